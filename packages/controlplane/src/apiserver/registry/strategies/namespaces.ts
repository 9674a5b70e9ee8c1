import type { KubeObject } from '../../../api/object.js';
import type { ResourceInfo } from '../../../api/resources.js';
import { type ResourceStrategy, defaultStrategy } from '../strategy.js';

type Json = Record<string, any>;

/** Every namespace carries its own name as this label, so selectors can pick namespaces by name. */
const NAME_LABEL = 'kubernetes.io/metadata.name';

function labelWithName(obj: KubeObject): void {
  obj.metadata.labels = { ...(obj.metadata.labels ?? {}), [NAME_LABEL]: obj.metadata.name ?? '' };
}

/**
 * Namespaces: born Active with the `kubernetes` finalizer (which only the /finalize
 * subresource removes, once the namespace is empty), and with a default service account; the
 * `kubernetes.io/metadata.name` label is kept equal to the name on every write.
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
      labelWithName(obj);
    },
    prepareForUpdate(obj, old) {
      base.prepareForUpdate(obj, old);
      const ns = obj as Json;
      ns.spec = { ...(ns.spec ?? {}), finalizers: (old as Json).spec?.finalizers ?? [] };
      labelWithName(obj);
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
