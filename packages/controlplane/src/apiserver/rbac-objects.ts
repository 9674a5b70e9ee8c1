import type { KubeObject } from '../api/object.js';
import type { ResourceRegistry } from './registry/registry.js';
import { listPrefix } from './storage/keys.js';

/** What RBAC reads: the four rbac.authorization.k8s.io resources, from their watch caches. */
export interface RbacObjects {
  roles(namespace: string): readonly KubeObject[];
  clusterRoles(): readonly KubeObject[];
  roleBindings(namespace: string): readonly KubeObject[];
  clusterRoleBindings(): readonly KubeObject[];
}

/** RbacObjects over the registries' watch caches: always the cache's latest view, no store reads. */
export function rbacObjectsOf(registryOf: (resource: string) => ResourceRegistry): RbacObjects {
  const read = (resource: string, namespace = '') => {
    const r = registryOf(resource);
    return r.cache.list(listPrefix(r.resource, namespace)).map((s) => s.object);
  };
  return {
    roles: (ns) => read('roles', ns),
    clusterRoles: () => read('clusterroles'),
    roleBindings: (ns) => read('rolebindings', ns),
    clusterRoleBindings: () => read('clusterrolebindings'),
  };
}
