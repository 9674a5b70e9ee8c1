import { apiVersionOf } from './object.js';

/** The verbs of a REST resource, as discovery lists them and RBAC names them. */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

const ALL_VERBS: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** One resource the apiserver serves: how it is named in URLs, discovery and the store. */
export interface ResourceInfo {
  readonly group: string;
  readonly version: string;
  /** Plural, lower case: the URL segment and the store folder. */
  readonly resource: string;
  readonly singular: string;
  readonly kind: string;
  readonly listKind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly verbs: readonly Verb[];
  /** False for review resources (SelfSubjectAccessReview, ...): answered at once, never stored. */
  readonly stored: boolean;
  /** Subresources and the kind each takes and answers. */
  readonly subresources: readonly { readonly name: string; readonly kind: string; readonly group?: string; readonly version?: string; readonly verbs: readonly Verb[] }[];
}

interface ResourceSpec {
  group?: string;
  version?: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  all?: boolean;
  subresources?: ResourceInfo['subresources'];
  /** A review: only `create`, and nothing is stored. */
  review?: boolean;
}

function resource(spec: ResourceSpec): ResourceInfo {
  return {
    group: spec.group ?? '',
    version: spec.version ?? 'v1',
    resource: spec.resource,
    singular: spec.kind.toLowerCase(),
    kind: spec.kind,
    listKind: `${spec.kind}List`,
    namespaced: spec.namespaced,
    shortNames: spec.shortNames ?? [],
    categories: spec.all ? ['all'] : [],
    verbs: spec.review ? ['create'] : ALL_VERBS,
    stored: !spec.review,
    subresources: spec.subresources ?? [],
  };
}

const status = (kind: string) => ({ name: 'status', kind, verbs: ['get', 'patch', 'update'] as Verb[] });
const scale = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] as Verb[] };

/** Every resource this apiserver serves, grouped as discovery lists them. */
export const RESOURCES: readonly ResourceInfo[] = [
  resource({ resource: 'namespaces', kind: 'Namespace', namespaced: false, shortNames: ['ns'], subresources: [status('Namespace'), { name: 'finalize', kind: 'Namespace', verbs: ['update'] }] }),
  resource({ resource: 'nodes', kind: 'Node', namespaced: false, shortNames: ['no'], subresources: [status('Node')] }),
  resource({
    resource: 'pods',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    all: true,
    subresources: [
      status('Pod'),
      { name: 'binding', kind: 'Binding', verbs: ['create'] },
      { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
      { name: 'log', kind: 'Pod', verbs: ['get'] },
    ],
  }),
  resource({ resource: 'services', kind: 'Service', namespaced: true, shortNames: ['svc'], all: true, subresources: [status('Service')] }),
  resource({ resource: 'endpoints', kind: 'Endpoints', namespaced: true, shortNames: ['ep'] }),
  resource({ resource: 'configmaps', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] }),
  resource({ resource: 'secrets', kind: 'Secret', namespaced: true }),
  resource({
    resource: 'serviceaccounts',
    kind: 'ServiceAccount',
    namespaced: true,
    shortNames: ['sa'],
    subresources: [{ name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] }],
  }),
  resource({ resource: 'events', kind: 'Event', namespaced: true, shortNames: ['ev'] }),
  resource({ group: 'coordination.k8s.io', resource: 'leases', kind: 'Lease', namespaced: true }),
  resource({ group: 'apps', resource: 'deployments', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], all: true, subresources: [status('Deployment'), scale] }),
  resource({ group: 'apps', resource: 'replicasets', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'], all: true, subresources: [status('ReplicaSet'), scale] }),
  resource({ group: 'apps', resource: 'daemonsets', kind: 'DaemonSet', namespaced: true, shortNames: ['ds'], all: true, subresources: [status('DaemonSet')] }),
  resource({ group: 'rbac.authorization.k8s.io', resource: 'roles', kind: 'Role', namespaced: true }),
  resource({ group: 'rbac.authorization.k8s.io', resource: 'rolebindings', kind: 'RoleBinding', namespaced: true }),
  resource({ group: 'rbac.authorization.k8s.io', resource: 'clusterroles', kind: 'ClusterRole', namespaced: false }),
  resource({ group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false }),
  resource({ group: 'authentication.k8s.io', resource: 'selfsubjectreviews', kind: 'SelfSubjectReview', namespaced: false, review: true }),
  resource({ group: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview', namespaced: false, review: true }),
  resource({ group: 'authorization.k8s.io', resource: 'selfsubjectrulesreviews', kind: 'SelfSubjectRulesReview', namespaced: false, review: true }),
];

/** The API groups in discovery order, each with its one served version. */
export const API_GROUPS: readonly { readonly name: string; readonly version: string }[] = [
  { name: 'apps', version: 'v1' },
  { name: 'authentication.k8s.io', version: 'v1' },
  { name: 'authorization.k8s.io', version: 'v1' },
  { name: 'coordination.k8s.io', version: 'v1' },
  { name: 'rbac.authorization.k8s.io', version: 'v1' },
];

export function resourcesOf(group: string, version: string): ResourceInfo[] {
  return RESOURCES.filter((r) => r.group === group && r.version === version);
}

export function findResource(group: string, version: string, resource: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

export function resourceApiVersion(r: ResourceInfo): string {
  return apiVersionOf(r.group, r.version);
}

/** The resource a stored object's kind belongs to ("Pod" → pods). */
export function resourceOfKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => resourceApiVersion(r) === apiVersion && r.kind === kind);
}
