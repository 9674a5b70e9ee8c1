import { findResource } from '../../api/resources.js';

/** A resource as URLs address it: group/version/resource, and whether it lives in a namespace. */
export interface ResourceRef {
  readonly group: string;
  readonly version: string;
  /** Plural, lower case: pods, nodes, leases. */
  readonly resource: string;
  readonly namespaced: boolean;
}

/** The ref of a resource the apiserver serves (the API's own table); throws for an unknown one. */
export function resourceRef(group: string, version: string, resource: string): ResourceRef {
  const info = findResource(group, version, resource);
  if (!info) throw new Error(`unknown resource ${resource}${group ? `.${group}` : ''}/${version}`);
  return { group, version, resource, namespaced: info.namespaced };
}

/** The built-in resources the control-plane components use, by name. */
export const Resources = {
  namespaces: resourceRef('', 'v1', 'namespaces'),
  nodes: resourceRef('', 'v1', 'nodes'),
  pods: resourceRef('', 'v1', 'pods'),
  services: resourceRef('', 'v1', 'services'),
  endpoints: resourceRef('', 'v1', 'endpoints'),
  events: resourceRef('', 'v1', 'events'),
  configmaps: resourceRef('', 'v1', 'configmaps'),
  secrets: resourceRef('', 'v1', 'secrets'),
  serviceaccounts: resourceRef('', 'v1', 'serviceaccounts'),
  leases: resourceRef('coordination.k8s.io', 'v1', 'leases'),
  deployments: resourceRef('apps', 'v1', 'deployments'),
  replicasets: resourceRef('apps', 'v1', 'replicasets'),
  daemonsets: resourceRef('apps', 'v1', 'daemonsets'),
} as const;

/**
 * The URL path of a collection or an object: /api/v1/namespaces/ns/pods/name/binding.
 * A namespaced resource without a namespace addresses all namespaces (list and watch only).
 */
export function resourcePath(ref: ResourceRef, namespace?: string, name?: string, subresource?: string): string {
  const root = ref.group ? `/apis/${ref.group}/${ref.version}` : `/api/${ref.version}`;
  const ns = ref.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const obj = name ? `/${encodeURIComponent(name)}` : '';
  const sub = subresource ? `/${subresource}` : '';
  return `${root}${ns}/${ref.resource}${obj}${sub}`;
}

/** The cache key of an object: "namespace/name", or "name" for cluster-scoped objects (as client-go's). */
export function objectKey(obj: { metadata?: { namespace?: string; name?: string } }): string {
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${obj.metadata?.name ?? ''}` : (obj.metadata?.name ?? '');
}

/** Splits a cache key back into namespace and name. */
export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
