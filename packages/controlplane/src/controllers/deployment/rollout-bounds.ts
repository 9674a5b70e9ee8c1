import type { IntOrString } from '../framework/types.js';

/** maxSurge and maxUnavailable as pod counts for a Deployment of `replicas`. */
export interface RolloutBounds {
  readonly maxSurge: number;
  readonly maxUnavailable: number;
}

/** An int-or-percent as a count of `total`: a percentage rounds up or down as asked. */
export function scaledValue(value: IntOrString | undefined, total: number, roundUp: boolean, fallback: IntOrString): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const match = /^(\d+)%$/.exec(v.trim());
  if (!match) {
    const n = Number(v);
    if (Number.isInteger(n)) return n;
    throw new Error(`invalid value for IntOrString: "${v}" is neither an integer nor a percentage`);
  }
  const exact = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/**
 * Kubernetes' ResolveFenceposts: surge rounds up, unavailable rounds down, and when both come to
 * zero unavailable becomes one, so a rollout can always make progress.
 */
export function resolveRolloutBounds(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, replicas: number): RolloutBounds {
  const surge = scaledValue(maxSurge, replicas, true, '25%');
  const unavailable = scaledValue(maxUnavailable, replicas, false, '25%');
  return { maxSurge: surge, maxUnavailable: surge === 0 && unavailable === 0 ? 1 : unavailable };
}
