import { RESOURCES } from '../../api/resources.js';
import type { ResourceRef } from '../../client/rest/resource-ref.js';

/** The namespaced resources whose objects a namespace holds (stored ones; reviews hold nothing). */
export function namespacedResources(): ResourceRef[] {
  return RESOURCES.filter((r) => r.namespaced && r.stored && r.verbs.includes('delete')).map((r) => ({ group: r.group, version: r.version, resource: r.resource, namespaced: true }));
}

/** The finalizer a namespace keeps in spec.finalizers until its content is gone. */
export const KUBERNETES_FINALIZER = 'kubernetes';

/**
 * What to do with a namespace being deleted, given how many objects each of its resources still
 * holds and how many of those are not yet being deleted: delete those, wait while any remain, and
 * once none do, drop the `kubernetes` finalizer (the namespace is then removed).
 */
export function namespaceStep(remaining: number, finalizers: readonly string[]): 'delete-content' | 'finalize' | 'done' {
  if (!finalizers.includes(KUBERNETES_FINALIZER)) return 'done';
  return remaining > 0 ? 'delete-content' : 'finalize';
}
