import { nowTimestamp } from '../../api/object.js';
import { timeOf } from '../framework/pods.js';
import type { Condition, Deployment, DeploymentStatus, ReplicaSet } from '../framework/types.js';

export const AVAILABLE = 'Available';
export const PROGRESSING = 'Progressing';

/** Progressing and Available reasons, as kubectl and users read them. */
export const Reasons = {
  minimumReplicasAvailable: 'MinimumReplicasAvailable',
  minimumReplicasUnavailable: 'MinimumReplicasUnavailable',
  newReplicaSetCreated: 'NewReplicaSetCreated',
  replicaSetUpdated: 'ReplicaSetUpdated',
  newReplicaSetAvailable: 'NewReplicaSetAvailable',
  progressDeadlineExceeded: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
} as const;

export function conditionOf(status: DeploymentStatus | undefined, type: string): Condition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/**
 * Sets a condition as SetDeploymentCondition: the same status and reason change nothing; the same
 * status keeps its lastTransitionTime. Answers the new list (the input is not changed).
 */
export function withCondition(conditions: readonly Condition[] | undefined, next: Condition): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const current = i >= 0 ? list[i] : undefined;
  if (current && current.status === next.status && current.reason === next.reason) return list;
  const kept = current && current.status === next.status ? { ...next, lastTransitionTime: current.lastTransitionTime } : next;
  if (i >= 0) list[i] = kept;
  else list.push(kept);
  return list;
}

export function condition(type: string, status: Condition['status'], reason: string, message: string, now: number): Condition {
  const at = nowTimestamp(now);
  return { type, status, lastUpdateTime: at, lastTransitionTime: at, reason, message };
}

/** The counts over the Deployment's ReplicaSets (status of each, capped by what its spec still wants). */
export function deploymentCounts(d: Deployment, all: readonly ReplicaSet[], newRS: ReplicaSet | undefined): Omit<DeploymentStatus, 'conditions' | 'collisionCount'> {
  const sum = (f: (rs: ReplicaSet) => number) => all.reduce((n, rs) => n + f(rs), 0);
  const available = sum(availableOf);
  const wanted = d.spec.replicas ?? 1;
  return {
    observedGeneration: d.metadata.generation ?? 1,
    replicas: sum((rs) => rs.status?.replicas ?? 0),
    updatedReplicas: newRS?.status?.replicas ?? 0,
    readyReplicas: sum((rs) => rs.status?.readyReplicas ?? 0),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, wanted - available),
  };
}

/**
 * The available pods of a ReplicaSet as the Deployment may count them. A ReplicaSet just scaled
 * down still reports its old count until its controller catches up; capping by spec.replicas
 * keeps a rollout from counting pods that are already being deleted.
 */
export function availableOf(rs: ReplicaSet): number {
  return Math.min(rs.status?.availableReplicas ?? 0, rs.spec.replicas ?? 0);
}

/** DeploymentComplete: every wanted replica is updated and available, and the newest spec is observed. */
export function isComplete(d: Deployment, s: DeploymentStatus): boolean {
  const wanted = d.spec.replicas ?? 1;
  return s.updatedReplicas === wanted && s.replicas === wanted && s.availableReplicas === wanted && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 1);
}

/** DeploymentProgressing: more updated, ready or available pods than last time, or fewer old ones. */
export function hasProgressed(old: DeploymentStatus | undefined, s: DeploymentStatus): boolean {
  const o = old ?? {};
  const oldReplicas = (x: DeploymentStatus) => (x.replicas ?? 0) - (x.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (o.updatedReplicas ?? 0) || oldReplicas(s) < oldReplicas(o) || (s.readyReplicas ?? 0) > (o.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (o.availableReplicas ?? 0);
}

/** Ms left before the Progressing condition's last update is older than the progress deadline. */
export function msUntilDeadline(d: Deployment, progressing: Condition | undefined, now: number): number | undefined {
  const deadline = d.spec.progressDeadlineSeconds;
  if (deadline === undefined || !progressing) return undefined;
  const from = timeOf(progressing.lastUpdateTime);
  return from === undefined ? undefined : from + deadline * 1000 - now;
}

/**
 * The Progressing condition after this sync (syncRolloutStatus): complete → NewReplicaSetAvailable;
 * progress seen → ReplicaSetUpdated (lastUpdateTime moves on every progress); otherwise, past the
 * deadline → ProgressDeadlineExceeded. A complete rollout stays complete.
 */
export function progressingCondition(d: Deployment, s: DeploymentStatus, newRS: ReplicaSet | undefined, now: number): Condition[] {
  const current = conditionOf(s, PROGRESSING);
  const conditions = s.conditions ?? [];
  if (d.spec.progressDeadlineSeconds === undefined) return conditions;
  if (s.replicas === s.updatedReplicas && current?.reason === Reasons.newReplicaSetAvailable) return conditions;
  const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
  if (isComplete(d, s)) return withCondition(conditions, condition(PROGRESSING, 'True', Reasons.newReplicaSetAvailable, `${subject} has successfully progressed.`, now));
  if (hasProgressed(d.status, s)) {
    const next = condition(PROGRESSING, 'True', Reasons.replicaSetUpdated, `${subject} is progressing.`, now);
    if (current?.status === 'True') next.lastTransitionTime = current.lastTransitionTime;
    return [...conditions.filter((c) => c.type !== PROGRESSING), next];
  }
  const left = msUntilDeadline(d, current, now);
  if (current?.reason !== Reasons.newReplicaSetAvailable && left !== undefined && left < 0) {
    return withCondition(conditions, condition(PROGRESSING, 'False', Reasons.progressDeadlineExceeded, `${subject} has timed out progressing.`, now));
  }
  return conditions;
}
