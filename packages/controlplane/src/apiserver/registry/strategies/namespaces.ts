import type { KubeObject } from '../../../api/object.js';
import type { ResourceInfo } from '../../../api/resources.js';
import { type ResourceStrategy, defaultStrategy } from '../strategy.js';

type Json = Record<string, any>;

/**
 * Namespaces: born Active with the `kubernetes` finalizer (which only the /finalize
 * subresource removes, once the namespace is empty), and with a default service account.
 */
export function namespaceStrategy(r: ResourceInfo, createDefaultServiceAccount: (namespace: string) => Promise<void>): ResourceStrategy {
  const base = defaultStrategy(r);
  return defaultStrategy(r, {
    selectableFields: ['status.phase'],
    fieldsOf: (obj: KubeObject) => ({ 'status.phase': (obj as Json).status?.phase ?? '' }),
    prepareForCreate(obj) {
      const ns = obj as Json;
      ns.status = { phase: 'Active' };
      ns.spec = { ...(ns.spec ?? {}), finalizers: ['kubernetes'] };
    },
    prepareForUpdate(obj, old) {
      base.prepareForUpdate(obj, old);
      const ns = obj as Json;
      ns.spec = { ...(ns.spec ?? {}), finalizers: (old as Json).spec?.finalizers ?? [] };
    },
    beforeDelete(obj) {
      const ns = obj as Json;
      ns.status = { ...(ns.status ?? {}), phase: 'Terminating' };
      return (ns.spec?.finalizers ?? []).length > 0;
    },
    async afterCreate(obj) {
      await createDefaultServiceAccount(obj.metadata.name!);
    },
  });
}
