import type { KubeObject, OwnerReference } from '../../api/object.js';
import type { ResourceRef } from '../../client/rest/resource-ref.js';
import { labelSelectorMatches } from '../../scheduler/labels.js';
import { controllerRef } from './pods.js';
import type { LabelSelector } from './types.js';
import type { Write } from './writes.js';

/** What a controller owns after claiming, and the writes that adopt orphans and release strays. */
export interface Claim<T extends KubeObject> {
  /** Objects this owner controls now (adoptions included, releases excluded). */
  readonly owned: T[];
  readonly writes: Write[];
}

/**
 * Kubernetes' ControllerRefManager: among candidates (objects of one namespace), an object whose
 * controller reference is this owner stays owned while the selector matches it and is released
 * (the reference removed) once it does not; an orphan the selector matches is adopted (the owner's
 * reference added), unless it or the owner is being deleted. Objects controlled by another owner
 * are never touched. Both writes are updates on the cached object (a compare-and-swap).
 */
export function claimObjects<T extends KubeObject>(
  owner: KubeObject,
  selector: LabelSelector,
  candidates: readonly T[],
  reference: OwnerReference,
  ref: ResourceRef,
): Claim<T> {
  const owned: T[] = [];
  const writes: Write[] = [];
  const ownerDeleting = !!owner.metadata.deletionTimestamp;
  for (const obj of candidates) {
    const current = controllerRef(obj);
    const matches = labelSelectorMatches(selector, obj.metadata.labels);
    if (current) {
      if (current.uid !== owner.metadata.uid) continue;
      if (matches || ownerDeleting) owned.push(obj);
      else writes.push({ op: 'update', ref, object: withOwnerReferences(obj, (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid)) });
      continue;
    }
    if (!matches || ownerDeleting || obj.metadata.deletionTimestamp) continue;
    const adopted = withOwnerReferences(obj, [...(obj.metadata.ownerReferences ?? []), reference]) as T;
    owned.push(adopted);
    writes.push({ op: 'update', ref, object: adopted });
  }
  return { owned, writes };
}

function withOwnerReferences<T extends KubeObject>(obj: T, ownerReferences: OwnerReference[]): T {
  const { ownerReferences: _dropped, ...rest } = obj.metadata;
  return { ...obj, metadata: ownerReferences.length > 0 ? { ...rest, ownerReferences } : rest };
}
