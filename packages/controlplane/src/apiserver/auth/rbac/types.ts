/**
 * The rbac.authorization.k8s.io/v1 objects as their JSON is stored and served. Only the fields
 * authorization reads are spelled out; stored objects carry more (uid, resourceVersion, ...).
 */

export const RbacApiVersion = 'rbac.authorization.k8s.io/v1';
export const RbacApiGroup = 'rbac.authorization.k8s.io';

export interface RbacObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * One grant. A resource rule has apiGroups and resources (and maybe resourceNames); a
 * non-resource rule has nonResourceURLs. A rule in a Role may only be a resource rule.
 */
export interface PolicyRule {
  readonly verbs: readonly string[];
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[];
}

/** metav1.LabelSelector: every matchLabels pair and every matchExpressions requirement must hold. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export interface AggregationRule {
  readonly clusterRoleSelectors?: readonly LabelSelector[];
}

export interface Role {
  readonly apiVersion?: typeof RbacApiVersion;
  readonly kind?: 'Role';
  readonly metadata: RbacObjectMeta;
  readonly rules?: readonly PolicyRule[] | null;
}

export interface ClusterRole {
  readonly apiVersion?: typeof RbacApiVersion;
  readonly kind?: 'ClusterRole';
  readonly metadata: RbacObjectMeta;
  readonly rules?: readonly PolicyRule[] | null;
  /** When set, the role's rules are the union of the rules of the ClusterRoles it selects. */
  readonly aggregationRule?: AggregationRule;
}

/** Who a binding grants to. A ServiceAccount subject names its namespace (a RoleBinding's by default). */
export interface Subject {
  readonly kind: 'User' | 'Group' | 'ServiceAccount';
  readonly apiGroup?: string;
  readonly name: string;
  readonly namespace?: string;
}

export interface RoleRef {
  readonly apiGroup: string;
  readonly kind: 'Role' | 'ClusterRole';
  readonly name: string;
}

export interface RoleBinding {
  readonly apiVersion?: typeof RbacApiVersion;
  readonly kind?: 'RoleBinding';
  readonly metadata: RbacObjectMeta;
  readonly subjects?: readonly Subject[] | null;
  readonly roleRef: RoleRef;
}

export interface ClusterRoleBinding {
  readonly apiVersion?: typeof RbacApiVersion;
  readonly kind?: 'ClusterRoleBinding';
  readonly metadata: RbacObjectMeta;
  readonly subjects?: readonly Subject[] | null;
  readonly roleRef: RoleRef & { readonly kind: 'ClusterRole' };
}

/**
 * Read access to the current RBAC objects, synchronous because the apiserver serves it from its
 * watch cache: the authorizer runs on every request and must not wait on the store.
 */
export interface RbacObjects {
  roles(namespace: string): readonly Role[];
  clusterRoles(): readonly ClusterRole[];
  roleBindings(namespace: string): readonly RoleBinding[];
  clusterRoleBindings(): readonly ClusterRoleBinding[];
}
