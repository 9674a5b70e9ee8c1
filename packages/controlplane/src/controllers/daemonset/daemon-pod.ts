import type { Toleration } from '../../scheduler/types.js';
import type { DaemonSet, Node, Pod, PodSpec } from '../framework/types.js';

/** The label that says which generation of the DaemonSet's template a pod was made from. */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

/**
 * The tolerations Kubernetes adds to every daemon pod: it stays on a node that is not ready,
 * unreachable or under pressure, and on a cordoned one (a node agent must run everywhere).
 */
export const DAEMON_TOLERATIONS: readonly Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

/** The DaemonSet's pod spec with the default tolerations added (those it already has are kept). */
export function withDaemonTolerations(spec: PodSpec): PodSpec {
  const have = spec.tolerations ?? [];
  const missing = DAEMON_TOLERATIONS.filter((d) => !have.some((t) => t.key === d.key && t.effect === d.effect && (t.operator ?? 'Equal') === 'Exists'));
  return { ...spec, tolerations: [...have, ...missing.map((t) => ({ ...t }))] };
}

/**
 * Pins a daemon pod to one node as Kubernetes does: the required node affinity becomes the single
 * term `matchFields metadata.name In [node]`, so the scheduler (not the controller) binds it there.
 */
export function pinnedToNode(spec: PodSpec, nodeName: string): PodSpec {
  const affinity = spec.affinity ?? {};
  return {
    ...spec,
    affinity: {
      ...affinity,
      nodeAffinity: {
        ...(affinity.nodeAffinity ?? {}),
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] },
      },
    },
  };
}

/** The node a daemon pod is for: its spec.nodeName once bound, before that the node its affinity pins. */
export function targetNodeOf(pod: Pod): string | undefined {
  if (pod.spec.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    const field = term.matchFields?.find((f) => f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1);
    if (field) return field.values![0];
  }
  return undefined;
}

/** The pod spec a DaemonSet would make for this node (what a shouldRun check is made on). */
export function daemonPodSpec(ds: DaemonSet, node: Node): PodSpec {
  return pinnedToNode(withDaemonTolerations(ds.spec.template.spec), node.metadata.name);
}
