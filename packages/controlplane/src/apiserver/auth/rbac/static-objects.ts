import type { ClusterRole, ClusterRoleBinding, RbacObjects, Role, RoleBinding } from './types.js';

export interface RbacObjectLists {
  readonly roles?: readonly Role[];
  readonly clusterRoles?: readonly ClusterRole[];
  readonly roleBindings?: readonly RoleBinding[];
  readonly clusterRoleBindings?: readonly ClusterRoleBinding[];
}

/**
 * RbacObjects over fixed lists (namespaced objects found by metadata.namespace): for tests, and for
 * a process that authorizes against a policy it was handed rather than one it watches.
 */
export function rbacObjectsFrom(lists: RbacObjectLists): RbacObjects {
  return {
    roles: (namespace) => (lists.roles ?? []).filter((role) => role.metadata.namespace === namespace),
    clusterRoles: () => lists.clusterRoles ?? [],
    roleBindings: (namespace) => (lists.roleBindings ?? []).filter((binding) => binding.metadata.namespace === namespace),
    clusterRoleBindings: () => lists.clusterRoleBindings ?? [],
  };
}
