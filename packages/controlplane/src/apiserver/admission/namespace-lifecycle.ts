import type { KubeObject } from '../../api/object.js';
import { StatusError, forbidden, notFound } from '../status-error.js';
import type { AdmissionPlugin } from './admission.js';

/** Namespaces the cluster needs; deleting them is refused. */
export const IMMORTAL_NAMESPACES = ['default', 'kube-system', 'kube-public'];

/**
 * NamespaceLifecycle: nothing is created in a namespace that does not exist or is being
 * terminated, and the system namespaces cannot be deleted.
 */
export function namespaceLifecycle(lookup: (name: string) => Promise<KubeObject | undefined>): AdmissionPlugin {
  return {
    name: 'NamespaceLifecycle',
    async admit(req) {
      if (req.resource.resource === 'namespaces') {
        if (req.operation === 'DELETE' && IMMORTAL_NAMESPACES.includes(req.name)) {
          throw forbidden(`namespaces "${req.name}" is forbidden: this namespace may not be deleted`, { group: '', resource: 'namespaces' }, req.name);
        }
        return;
      }
      if (!req.resource.namespaced || req.operation !== 'CREATE') return;
      const ns = await lookup(req.namespace);
      if (!ns) throw notFound({ group: '', resource: 'namespaces' }, req.namespace);
      if (ns.metadata.deletionTimestamp || (ns as { status?: { phase?: string } }).status?.phase === 'Terminating') {
        // Events about the namespace's own teardown are still welcome, as in Kubernetes.
        if (req.resource.resource === 'events') return;
        throw new StatusError(403, 'Forbidden', `${req.resource.resource}${req.resource.group ? `.${req.resource.group}` : ''} "${req.name}" is forbidden: unable to create new content in namespace ${req.namespace} because it is being terminated`, {
          name: req.name,
          group: req.resource.group,
          kind: req.resource.resource,
          causes: [{ reason: 'NamespaceTerminating', message: `namespace ${req.namespace} is being terminated`, field: 'metadata.namespace' }],
        });
      }
    },
  };
}
