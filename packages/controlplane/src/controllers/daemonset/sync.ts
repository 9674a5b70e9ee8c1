import { jsonEqual } from '../../api/object.js';
import { Resources } from '../../client/rest/resource-ref.js';
import { nodeMatchesPod } from '../../scheduler/plugins/node-affinity.js';
import { toleratesAny } from '../../scheduler/plugins/taint-toleration.js';
import type { Pod as SchedulerPod } from '../../scheduler/types.js';
import { claimObjects } from '../framework/claim.js';
import { podFromTemplate } from '../framework/pod-template.js';
import { byCreation, isPodAvailable, isPodReady, ownerReferenceTo } from '../framework/pods.js';
import type { DaemonSet, DaemonSetStatus, Node, Pod } from '../framework/types.js';
import type { Write } from '../framework/writes.js';
import { daemonPodSpec, targetNodeOf, TEMPLATE_GENERATION_LABEL, withDaemonTolerations } from './daemon-pod.js';
import { scaledValue } from '../deployment/rollout-bounds.js';

/**
 * Whether a DaemonSet's pod belongs on a node: the node satisfies the template's nodeSelector and
 * required node affinity, and every NoSchedule / NoExecute taint is tolerated (with the default
 * daemon tolerations, so not-ready, unreachable and cordoned nodes keep their daemons).
 */
export function shouldRunOn(ds: DaemonSet, node: Node): boolean {
  const spec = withDaemonTolerations(ds.spec.template.spec);
  if (!nodeMatchesPod({ metadata: { name: '' }, spec } as unknown as SchedulerPod, node as unknown as Parameters<typeof nodeMatchesPod>[1])) return false;
  return (node.spec?.taints ?? []).every((t) => t.effect === 'PreferNoSchedule' || toleratesAny(spec.tolerations, t));
}

export interface DaemonSetSyncInput {
  readonly ds: DaemonSet;
  readonly nodes: readonly Node[];
  /** Every cached pod of the DaemonSet's namespace. */
  readonly pods: readonly Pod[];
  readonly now: number;
  /** False while earlier creates and deletes are not yet in the cache: then claims and status only. */
  readonly mayManage: boolean;
}

export interface DaemonSetSyncResult {
  readonly writes: Write[];
  readonly creates: number;
  readonly deletes: string[];
}

const sortByCreation = (pods: readonly Pod[]) => [...pods].sort(byCreation);

/**
 * One DaemonSet's reconciliation: exactly one pod on each node it should run on (created pinned to
 * the node; extra ones and failed ones deleted), none on the others or on nodes that are gone; under
 * RollingUpdate, pods of an older template generation are replaced while at most maxUnavailable
 * nodes lack an available pod. Pure over the cache and `now`.
 */
export function syncDaemonSet(input: DaemonSetSyncInput): DaemonSetSyncResult {
  const { ds, now } = input;
  const owner = ownerReferenceTo(ds, 'apps/v1', 'DaemonSet');
  const claim = claimObjects(ds, ds.spec.selector, input.pods, owner, Resources.pods);
  const writes: Write[] = [...claim.writes];
  const byNode = new Map<string, Pod[]>();
  for (const pod of claim.owned) {
    if (pod.metadata.deletionTimestamp) continue;
    const node = targetNodeOf(pod) ?? '';
    byNode.set(node, [...(byNode.get(node) ?? []), pod]);
  }
  const generation = String(ds.metadata.generation ?? 1);
  const minReady = ds.spec.minReadySeconds ?? 0;
  const toCreate: Node[] = [];
  const toDelete: Pod[] = [];
  const outdated: Pod[] = [];
  const status: DaemonSetStatus = { desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0, numberAvailable: 0, updatedNumberScheduled: 0 };
  for (const node of input.nodes) {
    const pods = byNode.get(node.metadata.name) ?? [];
    byNode.delete(node.metadata.name);
    const failed = pods.filter((p) => p.status?.phase === 'Failed');
    const running = sortByCreation(pods.filter((p) => p.status?.phase !== 'Failed'));
    toDelete.push(...failed);
    if (!shouldRunOn(ds, node)) {
      if (running.length > 0) status.numberMisscheduled++;
      toDelete.push(...running);
      continue;
    }
    status.desiredNumberScheduled++;
    if (running.length === 0) {
      toCreate.push(node);
      continue;
    }
    const [kept, ...extra] = running;
    toDelete.push(...extra);
    status.currentNumberScheduled++;
    if (isPodReady(kept!)) status.numberReady++;
    if (isPodAvailable(kept!, minReady, now)) status.numberAvailable!++;
    if (kept!.metadata.labels?.[TEMPLATE_GENERATION_LABEL] === generation) status.updatedNumberScheduled!++;
    else outdated.push(kept!);
  }
  // Pods for nodes that no longer exist (or that name none) have nowhere to run.
  for (const pods of byNode.values()) toDelete.push(...pods);
  status.numberUnavailable = status.desiredNumberScheduled - status.numberAvailable!;

  if ((ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
    const maxUnavailable = Math.max(1, scaledValue(ds.spec.updateStrategy?.rollingUpdate?.maxUnavailable, status.desiredNumberScheduled, true, 1));
    let budget = maxUnavailable - status.numberUnavailable;
    // An outdated pod that is not available costs nothing to replace; available ones spend the budget.
    for (const pod of sortByCreation(outdated)) {
      if (!isPodAvailable(pod, minReady, now)) toDelete.push(pod);
      else if (budget-- > 0) toDelete.push(pod);
    }
  }

  let creates = 0;
  const deletes: string[] = [];
  if (input.mayManage && !ds.metadata.deletionTimestamp) {
    for (const node of toCreate) {
      const pod = podFromTemplate(ds.spec.template, ds.metadata.namespace, `${ds.metadata.name}-`, owner);
      pod.metadata.labels = { ...pod.metadata.labels, [TEMPLATE_GENERATION_LABEL]: generation };
      pod.spec = daemonPodSpec(ds, node);
      writes.push({ op: 'create', ref: Resources.pods, object: pod });
      creates++;
    }
    for (const pod of toDelete) {
      deletes.push(pod.metadata.uid!);
      writes.push({ op: 'delete', ref: Resources.pods, namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid });
    }
  }
  const wanted = { ...status, observedGeneration: ds.metadata.generation ?? 1 };
  if (!jsonEqual({ ...(ds.status ?? {}), ...wanted }, ds.status ?? {})) writes.push({ op: 'updateStatus', ref: Resources.daemonsets, object: { ...ds, status: { ...(ds.status ?? {}), ...wanted } } });
  return { writes, creates, deletes };
}
