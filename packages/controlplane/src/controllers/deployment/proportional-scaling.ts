import type { ReplicaSet } from '../framework/types.js';
import { byCreation, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION } from './revisions.js';

/**
 * A Deployment scaled while more than one of its ReplicaSets runs pods (mid-rollout) is a scaling
 * event: the change is spread over those ReplicaSets in proportion to their sizes, as Kubernetes'
 * deployment controller does, instead of being handed to the rollout. Pure: sizes in, sizes out.
 */

/** Whether some ReplicaSet with replicas was last sized for another `spec.replicas` than `desired`. */
export function isScalingEvent(replicaSets: readonly ReplicaSet[], desired: number): boolean {
  return replicaSets.some((rs) => {
    if ((rs.spec.replicas ?? 0) === 0) return false;
    const annotated = annotationNumber(rs, DESIRED_REPLICAS_ANNOTATION);
    return annotated !== undefined && annotated !== desired;
  });
}

/**
 * New sizes for the active ReplicaSets (those with replicas) so that together they hold
 * `allowedSize` (spec.replicas + maxSurge, or 0): each grows or shrinks by its share — its size
 * times allowedSize over the total it was sized under (its max-replicas annotation, else
 * `fallbackTotal`) — and what rounding leaves over goes to the largest. Growth prefers larger
 * then newer ReplicaSets, shrinking larger then older.
 */
export function proportionalSizes(active: readonly ReplicaSet[], desired: number, allowedSize: number, fallbackTotal: number): Map<ReplicaSet, number> {
  const sizes = new Map<ReplicaSet, number>(active.map((rs) => [rs, rs.spec.replicas ?? 0]));
  const total = active.reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
  const toAdd = allowedSize - total;
  if (toAdd === 0 || active.length === 0) return sizes;
  const order = [...active].sort((a, b) => (b.spec.replicas ?? 0) - (a.spec.replicas ?? 0) || (toAdd > 0 ? byCreation(b, a) : byCreation(a, b)));
  let added = 0;
  for (const rs of order) {
    const share = shareOf(rs, desired, allowedSize, fallbackTotal);
    const left = toAdd - added;
    const step = left === 0 ? 0 : toAdd > 0 ? Math.min(share, left) : Math.max(share, left);
    sizes.set(rs, sizes.get(rs)! + step);
    added += step;
  }
  const first = order[0]!;
  sizes.set(first, Math.max(0, sizes.get(first)! + (toAdd - added)));
  return sizes;
}

/** How many replicas `rs` gains (or, negative, loses) to keep its proportion of the new total. */
function shareOf(rs: ReplicaSet, desired: number, allowedSize: number, fallbackTotal: number): number {
  const replicas = rs.spec.replicas ?? 0;
  if (replicas === 0) return 0;
  if (desired === 0) return -replicas;
  const sizedUnder = annotationNumber(rs, MAX_REPLICAS_ANNOTATION) ?? fallbackTotal;
  if (!(sizedUnder > 0)) return 0;
  return Math.round((replicas * allowedSize) / sizedUnder) - replicas;
}

function annotationNumber(rs: ReplicaSet, name: string): number | undefined {
  const text = rs.metadata.annotations?.[name];
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}
