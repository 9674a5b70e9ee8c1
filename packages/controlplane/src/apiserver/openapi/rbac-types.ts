import { type TypeDef, f, kindOf } from './schema-dsl.js';

const rules = f('PolicyRule[]', 'The permissions granted.');
const subjects = f('Subject[]', 'Who is granted the role: users, groups, service accounts.');
const roleRef = f('RoleRef', 'The role granted. Cannot be changed.', { required: true });

/** io.k8s.api.rbac.v1 */
export const RBAC_TYPES: Readonly<Record<string, TypeDef>> = {
  Role: kindOf('rbac.authorization.k8s.io', 'v1', 'Role', 'Permissions in one namespace, granted by RoleBindings.', { rules }),
  ClusterRole: kindOf('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'Permissions cluster-wide or, through a RoleBinding, in one namespace.', {
    rules,
    aggregationRule: f('AggregationRule', 'When set, the rules are those of the ClusterRoles its selectors match.'),
  }),
  RoleBinding: kindOf('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'Grants a Role or ClusterRole to subjects in the binding\'s namespace.', { subjects, roleRef }),
  ClusterRoleBinding: kindOf('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'Grants a ClusterRole to subjects in every namespace.', { subjects, roleRef }),
  PolicyRule: {
    description: 'Verbs on resources (by group, resource and optional names) or on non-resource URLs.',
    fields: {
      verbs: f('string[]', 'get, list, watch, create, update, patch, delete, deletecollection, or * for all.', { required: true }),
      apiGroups: f('string[]', 'The API groups ("" is the core group; * all).'),
      resources: f('string[]', 'The resources (pods, pods/log; * all).'),
      resourceNames: f('string[]', 'Only these names; empty means all.'),
      nonResourceURLs: f('string[]', 'URL paths (/healthz, /api/*); only in ClusterRoles bound by ClusterRoleBindings.'),
    },
  },
  Subject: {
    description: 'Who a binding grants its role to.',
    fields: {
      kind: f('string', 'User, Group or ServiceAccount.', { required: true }),
      apiGroup: f('string', 'rbac.authorization.k8s.io for User and Group; empty for ServiceAccount.'),
      name: f('string', 'The name.', { required: true }),
      namespace: f('string', 'For ServiceAccount: its namespace.'),
    },
  },
  RoleRef: {
    description: 'The role a binding grants.',
    fields: { apiGroup: f('string', 'rbac.authorization.k8s.io.', { required: true }), kind: f('string', 'Role or ClusterRole.', { required: true }), name: f('string', 'The name.', { required: true }) },
  },
  AggregationRule: { description: 'Selects the ClusterRoles whose rules are combined.', fields: { clusterRoleSelectors: f('LabelSelector[]', 'ClusterRoles matching any of these are combined.') } },
};

/** io.k8s.api.coordination.v1 */
export const COORDINATION_TYPES: Readonly<Record<string, TypeDef>> = {
  Lease: kindOf('coordination.k8s.io', 'v1', 'Lease', 'A lease: node heartbeats and leader election.', { spec: f('LeaseSpec', 'The holder and the terms of the lease.') }),
  LeaseSpec: {
    description: 'Who holds a lease, and for how long.',
    fields: {
      holderIdentity: f('string', 'The current holder.'),
      leaseDurationSeconds: f('integer', 'Seconds the holder holds it after each renewal.'),
      acquireTime: f('MicroTime', 'When the current holder acquired it.'),
      renewTime: f('MicroTime', 'When the holder last renewed it.'),
      leaseTransitions: f('integer', 'How often the lease changed holders.'),
    },
  },
};
