import { byCreation } from '../framework/pods.js';
import type { ReplicaSet } from '../framework/types.js';

export { byCreation };

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';

/** A ReplicaSet's revision (0 when it has none or it is unreadable). */
export function revisionOf(rs: ReplicaSet): number {
  const n = Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? '0');
  return Number.isInteger(n) && n > 0 ? n : 0;
}

export function maxRevision(replicaSets: readonly ReplicaSet[]): number {
  return replicaSets.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0);
}

/**
 * The old ReplicaSets to delete so that at most `limit` remain: only those scaled to zero with no
 * pods left, lowest revision first (as the Deployment controller's cleanupDeployment).
 */
export function replicaSetsBeyondHistory(old: readonly ReplicaSet[], limit: number): ReplicaSet[] {
  const idle = old.filter((rs) => (rs.spec.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) === 0 && !rs.metadata.deletionTimestamp);
  const excess = old.length - Math.max(0, limit);
  if (excess <= 0) return [];
  return [...idle].sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b)).slice(0, excess);
}
