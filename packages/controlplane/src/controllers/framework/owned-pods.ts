import type { KubeObject } from '../../api/object.js';
import type { Informer } from '../../client/informer/informer.js';
import type { WorkQueue } from '../../client/workqueue/work-queue.js';
import type { Expectations } from './expectations.js';
import { ownerKeysOf } from './owner-keys.js';
import { controllerRef } from './pods.js';
import type { LabelSelector, Pod } from './types.js';
import type { WriteOutcome } from './writes.js';

/**
 * Wires pod events to the controllers that own pods of `kind` (ReplicaSet, DaemonSet): each event
 * queues the owner (or, for an orphan, every owner that selects it), a pod seen added settles one
 * expected create, a pod seen deleted or being deleted settles its expected delete.
 */
export function trackOwnedPods<O extends KubeObject & { spec: { selector: LabelSelector } }>(pods: Informer<Pod>, kind: string, owners: Informer<O>, queue: WorkQueue<string>, expectations: Expectations): void {
  const ownerKey = (pod: Pod) => {
    const ref = controllerRef(pod);
    return ref?.kind === kind ? `${pod.metadata.namespace}/${ref.name}` : undefined;
  };
  const enqueue = (pod: Pod) => ownerKeysOf(pod, kind, owners).forEach((k) => queue.add(k));
  const deletionSeen = (pod: Pod) => {
    const key = ownerKey(pod);
    if (key) expectations.deletionObserved(key, pod.metadata.uid ?? '');
  };
  pods.addEventHandler({
    onAdd: (pod) => {
      const key = ownerKey(pod);
      if (key) expectations.creationObserved(key);
      enqueue(pod);
    },
    onUpdate: (old, pod) => {
      if (pod.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) deletionSeen(pod);
      enqueue(old);
      enqueue(pod);
    },
    onDelete: (pod) => {
      deletionSeen(pod);
      enqueue(pod);
    },
  });
}

/** A pod write that failed will never show up in the cache: stop expecting it. */
export function settleFailedPodWrites(key: string, outcomes: readonly WriteOutcome[], expectations: Expectations): void {
  for (const o of outcomes) {
    if (o.ok || o.write.ref.resource !== 'pods') continue;
    if (o.write.op === 'create') expectations.creationObserved(key);
    if (o.write.op === 'delete') expectations.deletionObserved(key, o.write.uid ?? '');
  }
}
