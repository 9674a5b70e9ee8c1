import type { ResourceInfo } from '../../api/resources.js';

/**
 * Where objects live in the store: `/registry/<resource>/<namespace>/<name>`, or
 * `/registry/<resource>/<name>` for cluster-scoped resources. Non-core groups get their
 * group in the folder (`/registry/apps/deployments/...`) only where names would clash; none
 * of ours do, so the plain resource name is kept, as Kubernetes does for its built-ins.
 */
export const REGISTRY_ROOT = '/registry/';

export function resourcePrefix(r: ResourceInfo): string {
  return `${REGISTRY_ROOT}${r.resource}/`;
}

/** The prefix a list reads: all namespaces, or one. */
export function listPrefix(r: ResourceInfo, namespace: string): string {
  return r.namespaced && namespace ? `${resourcePrefix(r)}${namespace}/` : resourcePrefix(r);
}

export function objectKey(r: ResourceInfo, namespace: string, name: string): string {
  return r.namespaced ? `${resourcePrefix(r)}${namespace}/${name}` : `${resourcePrefix(r)}${name}`;
}
