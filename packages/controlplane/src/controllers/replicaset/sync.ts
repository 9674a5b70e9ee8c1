import { jsonEqual } from '../../api/object.js';
import { Resources } from '../../client/rest/resource-ref.js';
import { labelSelectorMatches } from '../../scheduler/labels.js';
import { claimObjects } from '../framework/claim.js';
import { podFromTemplate } from '../framework/pod-template.js';
import { isPodActive, isPodAvailable, isPodReady, ownerReferenceTo, podReadyCondition, timeOf } from '../framework/pods.js';
import type { Pod, ReplicaSet, ReplicaSetStatus } from '../framework/types.js';
import type { Write } from '../framework/writes.js';
import { podsToDelete } from './deletion-order.js';

/** At most this many pods are created or deleted by one sync (Kubernetes' burstReplicas). */
export const BURST_REPLICAS = 500;

export interface ReplicaSetSyncInput {
  readonly rs: ReplicaSet;
  /** Every cached pod of the replica set's namespace. */
  readonly pods: readonly Pod[];
  readonly now: number;
  /** False while earlier creates or deletes are not yet in the cache: then only claims and status. */
  readonly mayManage: boolean;
}

export interface ReplicaSetSyncResult {
  /** Adoptions and releases, then creates and deletes, then the status update if it changed. */
  readonly writes: Write[];
  readonly creates: number;
  /** Uids of the pods deleted (for the deletion expectations). */
  readonly deletes: string[];
  /** When a pod becomes available (minReadySeconds), the sync to run again in this many ms. */
  readonly resyncAfterMs?: number;
}

/**
 * One ReplicaSet's reconciliation: the pods it controls (after adoption and release by selector)
 * are made as many as spec.replicas, by creating from the template or deleting the cheapest first;
 * status counts what the pods are. Pure: the same cache and `now` give the same writes.
 */
export function syncReplicaSet(input: ReplicaSetSyncInput): ReplicaSetSyncResult {
  const { rs, now } = input;
  const claim = claimObjects(rs, rs.spec.selector, input.pods, ownerReferenceTo(rs, 'apps/v1', 'ReplicaSet'), Resources.pods);
  const active = claim.owned.filter(isPodActive);
  const writes: Write[] = [...claim.writes];
  let creates = 0;
  const deletes: string[] = [];
  if (input.mayManage && !rs.metadata.deletionTimestamp) {
    const diff = active.length - (rs.spec.replicas ?? 1);
    if (diff < 0) {
      creates = Math.min(-diff, BURST_REPLICAS);
      const owner = ownerReferenceTo(rs, 'apps/v1', 'ReplicaSet');
      for (let i = 0; i < creates; i++) writes.push({ op: 'create', ref: Resources.pods, object: podFromTemplate(rs.spec.template, rs.metadata.namespace, `${rs.metadata.name}-`, owner) });
    } else if (diff > 0) {
      for (const pod of podsToDelete(active, Math.min(diff, BURST_REPLICAS))) {
        deletes.push(pod.metadata.uid!);
        writes.push({ op: 'delete', ref: Resources.pods, namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid });
      }
    }
  }
  const status = replicaSetStatus(rs, active, now);
  if (!statusEqual(rs.status, status)) writes.push({ op: 'updateStatus', ref: Resources.replicasets, object: { ...rs, status: { ...rs.status, ...status } } });
  return { writes, creates, deletes, resyncAfterMs: nextAvailability(rs, active, now) };
}

/** The counts ReplicaSetStatus reports over the active pods it controls. */
export function replicaSetStatus(rs: ReplicaSet, active: readonly Pod[], now: number): ReplicaSetStatus {
  const templateLabels = rs.spec.template.metadata?.labels ?? {};
  const minReady = rs.spec.minReadySeconds ?? 0;
  return {
    replicas: active.length,
    fullyLabeledReplicas: active.filter((p) => labelSelectorMatches({ matchLabels: templateLabels }, p.metadata.labels)).length,
    readyReplicas: active.filter(isPodReady).length,
    availableReplicas: active.filter((p) => isPodAvailable(p, minReady, now)).length,
    observedGeneration: rs.metadata.generation ?? 1,
  };
}

function statusEqual(current: ReplicaSetStatus | undefined, wanted: ReplicaSetStatus): boolean {
  const c = current ?? { replicas: 0 };
  return (Object.keys(wanted) as (keyof ReplicaSetStatus)[]).every((k) => jsonEqual(c[k] ?? 0, wanted[k] ?? 0));
}

/** Ms until the first ready-but-not-yet-available pod becomes available (minReadySeconds), if any. */
function nextAvailability(rs: ReplicaSet, active: readonly Pod[], now: number): number | undefined {
  const minReady = rs.spec.minReadySeconds ?? 0;
  if (minReady <= 0) return undefined;
  let soonest: number | undefined;
  for (const pod of active) {
    if (!isPodReady(pod) || isPodAvailable(pod, minReady, now)) continue;
    const since = timeOf(podReadyCondition(pod)?.lastTransitionTime);
    const wait = since === undefined ? minReady * 1000 : since + minReady * 1000 - now;
    soonest = soonest === undefined ? wait : Math.min(soonest, wait);
  }
  return soonest === undefined ? undefined : Math.max(1, soonest);
}
