/**
 * The parts of the Kubernetes Pod and Node JSON that the scheduler reads. Structural and partial on
 * purpose: the scheduler takes objects as the apiserver serves them and never writes these shapes.
 */

/** A label selector as in metav1.LabelSelector. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[];
}

/** One requirement of a node selector term; Gt and Lt compare the label as an integer. */
export interface NodeSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  readonly values?: readonly string[];
}

/** The requirements of a term are ANDed; the terms of a node selector are ORed. */
export interface NodeSelectorTerm {
  readonly matchExpressions?: readonly NodeSelectorRequirement[];
  /** Only the field `metadata.name` is supported, as in Kubernetes. */
  readonly matchFields?: readonly NodeSelectorRequirement[];
}

export interface NodeSelector {
  readonly nodeSelectorTerms: readonly NodeSelectorTerm[];
}

export interface PreferredSchedulingTerm {
  readonly weight: number;
  readonly preference: NodeSelectorTerm;
}

export interface NodeAffinity {
  readonly requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector;
  readonly preferredDuringSchedulingIgnoredDuringExecution?: readonly PreferredSchedulingTerm[];
}

export interface PodAffinityTerm {
  readonly labelSelector?: LabelSelector;
  /** Empty means the namespace of the pod that carries the term. */
  readonly namespaces?: readonly string[];
  readonly topologyKey: string;
}

export interface PodAntiAffinity {
  readonly requiredDuringSchedulingIgnoredDuringExecution?: readonly PodAffinityTerm[];
}

export interface Affinity {
  readonly nodeAffinity?: NodeAffinity;
  readonly podAntiAffinity?: PodAntiAffinity;
}

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: TaintEffect;
}

export interface Toleration {
  readonly key?: string;
  /** Missing means Equal. */
  readonly operator?: 'Exists' | 'Equal';
  readonly value?: string;
  /** Missing or empty means every effect. */
  readonly effect?: TaintEffect | '';
  readonly tolerationSeconds?: number;
}

/** Resource amounts as Kubernetes quantities ("100m", "1Gi"); see quantity.ts. */
export type ResourceList = Readonly<Record<string, string | number>>;

export interface Container {
  readonly name: string;
  readonly resources?: { readonly requests?: ResourceList; readonly limits?: ResourceList };
}

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface PodSpec {
  readonly nodeName?: string;
  readonly schedulerName?: string;
  readonly containers: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly affinity?: Affinity;
  readonly tolerations?: readonly Toleration[];
}

export interface Pod {
  readonly metadata: ObjectMeta;
  readonly spec: PodSpec;
}

export interface NodeSpec {
  readonly unschedulable?: boolean;
  readonly taints?: readonly Taint[];
}

export interface NodeStatus {
  readonly allocatable?: ResourceList;
}

export interface Node {
  readonly metadata: ObjectMeta;
  readonly spec?: NodeSpec;
  readonly status?: NodeStatus;
}

/** The well-known hostname label the kubelet sets on its Node. */
export const LABEL_HOSTNAME = 'kubernetes.io/hostname';

/** The scheduler a pod gets when its spec names none. */
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
