import type { KubeObject, OwnerReference } from './object.js';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';

/** What is known of one owner: in a cache, confirmed gone by the apiserver, or not yet asked. */
export type OwnerState = 'present' | 'absent' | 'unknown';

/**
 * What the garbage collector does with one object, as Kubernetes' attemptToDelete / processing of
 * deletion finalizers:
 * - an owner being deleted in the foreground deletes its dependents, and drops its finalizer once none is left;
 * - an owner being deleted with `orphan` removes its reference from its dependents, then drops the finalizer;
 * - a dependent all of whose owners are gone is deleted; one with an owner not yet confirmed waits
 *   for that owner to be looked up (`confirm`), so a cache that lags never deletes a live object's dependent.
 */
export type GcAction =
  | { readonly kind: 'none' }
  | { readonly kind: 'confirm'; readonly owners: readonly OwnerReference[] }
  | { readonly kind: 'delete' }
  | { readonly kind: 'delete-dependents'; readonly dependents: readonly KubeObject[] }
  | { readonly kind: 'orphan-dependents'; readonly dependents: readonly KubeObject[] }
  | { readonly kind: 'drop-finalizer'; readonly finalizer: string };

export function gcAction(obj: KubeObject, dependents: readonly KubeObject[], ownerState: (ref: OwnerReference) => OwnerState): GcAction {
  const finalizers = obj.metadata.finalizers ?? [];
  if (obj.metadata.deletionTimestamp) {
    if (finalizers.includes(ORPHAN_FINALIZER)) {
      const uid = obj.metadata.uid;
      const still = dependents.filter((d) => d.metadata.ownerReferences?.some((r) => r.uid === uid));
      return still.length > 0 ? { kind: 'orphan-dependents', dependents: still } : { kind: 'drop-finalizer', finalizer: ORPHAN_FINALIZER };
    }
    if (finalizers.includes(FOREGROUND_FINALIZER)) {
      if (dependents.length === 0) return { kind: 'drop-finalizer', finalizer: FOREGROUND_FINALIZER };
      const live = dependents.filter((d) => !d.metadata.deletionTimestamp);
      return live.length > 0 ? { kind: 'delete-dependents', dependents: live } : { kind: 'none' };
    }
    return { kind: 'none' };
  }
  const refs = obj.metadata.ownerReferences ?? [];
  if (refs.length === 0) return { kind: 'none' };
  const states = refs.map(ownerState);
  if (states.includes('present')) return { kind: 'none' };
  const unknown = refs.filter((_, i) => states[i] === 'unknown');
  return unknown.length > 0 ? { kind: 'confirm', owners: unknown } : { kind: 'delete' };
}
