import { deepCopy, jsonEqual } from '../../api/object.js';
import { Resources } from '../../client/rest/resource-ref.js';
import { claimObjects } from '../framework/claim.js';
import { controllerRef, isPodActive, ownerReferenceTo } from '../framework/pods.js';
import type { Deployment, DeploymentStatus, Pod, ReplicaSet } from '../framework/types.js';
import type { Write } from '../framework/writes.js';
import { resolveRolloutBounds, type RolloutBounds } from './rollout-bounds.js';
import { isScalingEvent, proportionalSizes } from './proportional-scaling.js';
import { RolloutPlan } from './rollout-plan.js';
import { byCreation, maxRevision, replicaSetsBeyondHistory, revisionOf, REVISION_ANNOTATION } from './revisions.js';
import { AVAILABLE, availableOf, condition, conditionOf, deploymentCounts, isComplete, msUntilDeadline, progressingCondition, PROGRESSING, Reasons, withCondition } from './status.js';
import { POD_TEMPLATE_HASH_LABEL, podTemplateHash, templatesEqualIgnoringHash } from './template-hash.js';

export interface DeploymentSyncInput {
  readonly deployment: Deployment;
  /** Every cached ReplicaSet of the Deployment's namespace. */
  readonly replicaSets: readonly ReplicaSet[];
  /** Every cached pod of the namespace (Recreate waits for the old ones to be gone). */
  readonly pods: readonly Pod[];
  readonly now: number;
}

export interface DeploymentSyncResult {
  readonly writes: Write[];
  /** Sync again after this many ms (to notice a passed progress deadline). */
  readonly requeueAfterMs?: number;
}

/**
 * One Deployment's reconciliation, as Kubernetes' deployment controller: claim its ReplicaSets,
 * find the one whose template is the Deployment's (or plan it: name <deployment>-<hash>, revision
 * max+1), move replicas to it by the strategy, drop old ReplicaSets beyond the history limit once
 * complete, and report status and conditions. Pure over the cache and `now`.
 */
export function syncDeployment(input: DeploymentSyncInput): DeploymentSyncResult {
  const d = input.deployment;
  const { now } = input;
  const claim = claimObjects(d, d.spec.selector, input.replicaSets, ownerReferenceTo(d, 'apps/v1', 'Deployment'), Resources.replicasets);
  const writes: Write[] = [...claim.writes];
  const owned = claim.owned;
  const replicas = d.spec.replicas ?? 1;
  const strategy = d.spec.strategy?.type ?? 'RollingUpdate';
  const bounds: RolloutBounds = strategy === 'RollingUpdate' ? resolveRolloutBounds(d.spec.strategy?.rollingUpdate?.maxSurge, d.spec.strategy?.rollingUpdate?.maxUnavailable, replicas) : { maxSurge: 0, maxUnavailable: 0 };
  const existingNew = owned.filter((rs) => templatesEqualIgnoringHash(rs.spec.template, d.spec.template)).sort(byCreation)[0];
  const old = owned.filter((rs) => rs !== existingNew);
  const plan = new RolloutPlan(owned, replicas, replicas + bounds.maxSurge);
  let conditions = d.status?.conditions ?? [];
  let newRS = existingNew;

  if (d.metadata.deletionTimestamp) return { writes: [...writes, ...statusWrite(d, plan.all(), newRS, conditions, bounds, now, false).writes] };

  // Scaled mid-rollout (or while paused): the running ReplicaSets keep their proportions.
  const scaledProportionally = strategy === 'RollingUpdate' && scaleProportionally(d, plan, bounds);
  if (d.spec.paused) {
    if (conditionOf(d.status, PROGRESSING)?.reason !== Reasons.paused) conditions = withCondition(conditions, condition(PROGRESSING, 'Unknown', Reasons.paused, 'Deployment is paused', now));
    return { writes: [...writes, ...plan.writes(), ...statusWrite(d, plan.all(), newRS, conditions, bounds, now, false).writes] };
  }
  if (conditionOf(d.status, PROGRESSING)?.reason === Reasons.paused) conditions = withCondition(conditions, condition(PROGRESSING, 'Unknown', Reasons.resumed, 'Deployment is resumed', now));

  const revision = maxRevision(old) + 1;
  const ensureNew = (initial: number): ReplicaSet => {
    if (newRS) {
      plan.setRevision(newRS, revision);
      return newRS;
    }
    newRS = newReplicaSet(d, revision, initial, d.status?.collisionCount);
    plan.create(newRS);
    plan.scale(newRS, initial);
    conditions = withCondition(conditions, condition(PROGRESSING, 'True', Reasons.newReplicaSetCreated, `Created new replica set "${newRS.metadata.name}"`, now));
    return newRS;
  };

  let done = false;
  if (scaledProportionally) {
    // The rollout goes on from the new sizes in the next sync.
    done = true;
  } else if (strategy === 'Recreate') {
    const activeOld = old.filter((rs) => plan.replicas(rs) > 0);
    for (const rs of activeOld) plan.scale(rs, 0);
    const oldUids = new Set(old.map((rs) => rs.metadata.uid));
    const oldPodsLeft = input.pods.some((p) => isPodActive(p) && oldUids.has(controllerRef(p)?.uid));
    if (activeOld.length === 0 && !oldPodsLeft) {
      const rs = ensureNew(replicas);
      plan.scale(rs, replicas);
      done = true;
    }
  } else {
    const target = ensureNew(newReplicaSetSize(d, plan, undefined, bounds));
    const scaled = reconcileNew(d, plan, target, bounds);
    if (!scaled) reconcileOld(d, plan, target, old, bounds);
    done = true;
  }

  const result = statusWrite(d, plan.all(), newRS, conditions, bounds, now, true);
  if (done && newRS && isComplete(d, result.status)) {
    for (const rs of replicaSetsBeyondHistory(old.map((o) => plan.get(o)), d.spec.revisionHistoryLimit ?? 10)) {
      writes.push({ op: 'delete', ref: Resources.replicasets, namespace: rs.metadata.namespace, name: rs.metadata.name, uid: rs.metadata.uid });
    }
  }
  writes.push(...plan.writes());
  const newRevision = newRS ? String(revisionOf(plan.get(newRS))) : undefined;
  const createdNow = !existingNew && newRS !== undefined;
  if (newRevision && d.metadata.annotations?.[REVISION_ANNOTATION] !== newRevision && !createdNow) {
    // The annotation is on the Deployment itself: this update changes its resourceVersion, so the
    // status waits for the next sync (the update's own watch event brings it). In the sync that
    // creates the new ReplicaSet the status goes first, so NewReplicaSetCreated is reported.
    writes.push({ op: 'update', ref: Resources.deployments, object: { ...d, metadata: { ...d.metadata, annotations: { ...(d.metadata.annotations ?? {}), [REVISION_ANNOTATION]: newRevision } } } });
    return { writes };
  }
  writes.push(...result.writes);
  return { writes, requeueAfterMs: result.requeueAfterMs };
}

/**
 * When more than one ReplicaSet runs pods and they were sized for another spec.replicas, scales
 * them to their proportional shares of replicas + maxSurge (see proportional-scaling.ts).
 */
function scaleProportionally(d: Deployment, plan: RolloutPlan, bounds: RolloutBounds): boolean {
  const replicas = d.spec.replicas ?? 1;
  const active = plan.all().filter((rs) => plan.replicas(rs) > 0);
  if (active.length < 2 || !isScalingEvent(active, replicas)) return false;
  const allowedSize = replicas > 0 ? replicas + bounds.maxSurge : 0;
  for (const [rs, size] of proportionalSizes(active, replicas, allowedSize, d.status?.replicas ?? 0)) plan.scale(rs, size);
  return true;
}

/** The new ReplicaSet of a template: selector and labels carry the hash, so its pods are its own. */
function newReplicaSet(d: Deployment, revision: number, replicas: number, collisionCount: number | undefined): ReplicaSet {
  const hash = podTemplateHash(d.spec.template, collisionCount);
  const template = deepCopy(d.spec.template);
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } };
  const selector = { ...d.spec.selector, matchLabels: { ...(d.spec.selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...(template.metadata.labels ?? {}) },
      annotations: { [REVISION_ANNOTATION]: String(revision) },
      ownerReferences: [ownerReferenceTo(d, 'apps/v1', 'Deployment')],
    },
    spec: { replicas, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
  };
}

/** NewRSNewReplicas for RollingUpdate: grow the new ReplicaSet as far as maxSurge allows. */
function newReplicaSetSize(d: Deployment, plan: RolloutPlan, newRS: ReplicaSet | undefined, bounds: RolloutBounds): number {
  const replicas = d.spec.replicas ?? 1;
  const current = newRS ? plan.replicas(newRS) : 0;
  const total = plan.all().reduce((n, rs) => n + plan.replicas(rs), 0);
  const maxTotal = replicas + bounds.maxSurge;
  if (total >= maxTotal) return current;
  return current + Math.min(maxTotal - total, replicas - current);
}

/**
 * reconcileNewReplicaSet: true when the new ReplicaSet was scaled (the old ones then wait for the
 * next sync). A ReplicaSet created by this sync already has its size, so the old ones may shrink now.
 */
function reconcileNew(d: Deployment, plan: RolloutPlan, newRS: ReplicaSet, bounds: RolloutBounds): boolean {
  const replicas = d.spec.replicas ?? 1;
  const current = plan.replicas(newRS);
  if (current === replicas) return false;
  const next = current > replicas ? replicas : newReplicaSetSize(d, plan, newRS, bounds);
  if (next === current) return false;
  plan.scale(newRS, next);
  return true;
}

/**
 * reconcileOldReplicaSets: scale old ReplicaSets down as far as maxUnavailable allows — first
 * their unavailable pods (they count against nothing), then available ones, oldest first.
 */
function reconcileOld(d: Deployment, plan: RolloutPlan, newRS: ReplicaSet, old: readonly ReplicaSet[], bounds: RolloutBounds): void {
  const oldActive = old.filter((rs) => plan.replicas(rs) > 0).sort(byCreation);
  if (oldActive.length === 0) return;
  const replicas = d.spec.replicas ?? 1;
  const all = plan.all();
  const allPods = all.reduce((n, rs) => n + plan.replicas(rs), 0);
  const minAvailable = replicas - bounds.maxUnavailable;
  const newUnavailable = plan.replicas(newRS) - availableOf(plan.get(newRS));
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return;
  let scaledDown = 0;
  for (const rs of oldActive) {
    if (scaledDown >= maxScaledDown) break;
    const unhealthy = plan.replicas(rs) - availableOf(plan.get(rs));
    if (unhealthy <= 0) continue;
    const n = Math.min(maxScaledDown - scaledDown, unhealthy);
    plan.scale(rs, plan.replicas(rs) - n);
    scaledDown += n;
  }
  const available = plan.all().reduce((n, rs) => n + Math.min(availableOf(rs), plan.replicas(rs)), 0);
  if (available <= minAvailable) return;
  const total = available - minAvailable;
  let done = 0;
  for (const rs of oldActive) {
    if (done >= total) break;
    const n = Math.min(plan.replicas(rs), total - done);
    if (n <= 0) continue;
    plan.scale(rs, plan.replicas(rs) - n);
    done += n;
  }
}

/** The status this sync leads to, and its write when it differs from what is stored. */
function statusWrite(
  d: Deployment,
  all: readonly ReplicaSet[],
  newRS: ReplicaSet | undefined,
  conditionsIn: DeploymentStatus['conditions'],
  bounds: RolloutBounds,
  now: number,
  rolling: boolean,
): { writes: Write[]; status: DeploymentStatus; requeueAfterMs?: number } {
  const counts = deploymentCounts(d, all, newRS);
  const replicas = d.spec.replicas ?? 1;
  const minAvailable = replicas - bounds.maxUnavailable;
  const available = (counts.availableReplicas ?? 0) >= minAvailable;
  let conditions = withCondition(
    conditionsIn,
    available
      ? condition(AVAILABLE, 'True', Reasons.minimumReplicasAvailable, 'Deployment has minimum availability.', now)
      : condition(AVAILABLE, 'False', Reasons.minimumReplicasUnavailable, 'Deployment does not have minimum availability.', now),
  );
  let status: DeploymentStatus = { ...(d.status ?? {}), ...counts, conditions };
  let requeueAfterMs: number | undefined;
  if (rolling) {
    conditions = progressingCondition(d, status, newRS, now);
    status = { ...status, conditions };
    if (!isComplete(d, status)) {
      const left = msUntilDeadline(d, conditionOf(status, PROGRESSING), now);
      if (left !== undefined && left >= 0) requeueAfterMs = left + 1000;
    }
  }
  const writes: Write[] = jsonEqual(status, d.status ?? {}) ? [] : [{ op: 'updateStatus', ref: Resources.deployments, object: { ...d, status } }];
  return { writes, status, requeueAfterMs };
}
