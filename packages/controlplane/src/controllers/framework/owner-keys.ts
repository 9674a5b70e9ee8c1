import type { KubeObject } from '../../api/object.js';
import { NAMESPACE_INDEX } from '../../client/informer/indexer.js';
import type { Informer } from '../../client/informer/informer.js';
import { objectKey } from '../../client/rest/resource-ref.js';
import { labelSelectorMatches } from '../../scheduler/labels.js';
import { controllerRef } from './pods.js';
import type { LabelSelector } from './types.js';

/**
 * The keys of the owners a changed dependent concerns: its controller's key when the controller is
 * of `kind`; for an orphan, every owner in its namespace whose selector matches it (one may adopt it).
 */
export function ownerKeysOf<O extends KubeObject & { spec: { selector: LabelSelector } }>(dependent: KubeObject, kind: string, owners: Informer<O>): string[] {
  const ref = controllerRef(dependent);
  const namespace = dependent.metadata.namespace ?? '';
  if (ref) return ref.kind === kind ? [namespace ? `${namespace}/${ref.name}` : ref.name] : [];
  return owners.store
    .byIndex(NAMESPACE_INDEX, namespace)
    .filter((o) => labelSelectorMatches(o.spec.selector, dependent.metadata.labels))
    .map((o) => objectKey(o));
}
