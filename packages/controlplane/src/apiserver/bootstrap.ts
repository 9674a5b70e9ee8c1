import type { KubeObject } from '../api/object.js';
import { ADMIN } from './auth-gate.js';
import type { ResourceRegistry, WriteContext } from './registry/registry.js';
import { StatusError } from './status-error.js';

const CONTEXT: WriteContext = { user: ADMIN, dryRun: false, fieldManager: 'kube-apiserver' };

/** The namespaces every cluster has. */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Creates an object unless it exists (another apiserver or an earlier start made it). */
export async function ensureObject(registry: ResourceRegistry, namespace: string, obj: KubeObject): Promise<void> {
  try {
    await registry.create(namespace, obj, CONTEXT);
  } catch (err) {
    if (!(err instanceof StatusError)) throw err;
    if (err.code === 409) return;
    // Apiservers starting together race for the `kubernetes` service: the loser's create is
    // refused for its cluster IP (422) rather than its name, though the service now exists.
    if (err.code === 422 && (await exists(registry, namespace, obj.metadata.name!))) return;
    throw err;
  }
}

async function exists(registry: ResourceRegistry, namespace: string, name: string): Promise<boolean> {
  try {
    await registry.get(namespace, name);
    return true;
  } catch (err) {
    if (err instanceof StatusError && err.code === 404) return false;
    throw err;
  }
}

/** A namespace's `default` service account (the service account controller's job in Kubernetes). */
export function defaultServiceAccount(namespace: string): KubeObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } };
}

/**
 * What the apiserver makes at start-up, if absent: the system namespaces, the `kubernetes`
 * service on the first cluster IP with this apiserver's address as its endpoint, and the
 * bootstrap RBAC roles and bindings.
 */
export async function bootstrapCluster(
  registryOf: (resource: string) => ResourceRegistry,
  kubernetesService: { clusterIp: string; address: string; port: number },
  rbac: readonly KubeObject[],
): Promise<void> {
  for (const ns of SYSTEM_NAMESPACES) await ensureObject(registryOf('namespaces'), '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await ensureObject(registryOf('services'), 'default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: kubernetesService.clusterIp, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: kubernetesService.port }] },
  });
  await ensureObject(registryOf('endpoints'), 'default', {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: kubernetesService.address }], ports: [{ name: 'https', port: kubernetesService.port, protocol: 'TCP' }] }],
  });
  for (const obj of rbac) {
    const resource = `${obj.kind!.toLowerCase()}s`;
    await ensureObject(registryOf(resource), obj.metadata.namespace ?? '', obj);
  }
}
