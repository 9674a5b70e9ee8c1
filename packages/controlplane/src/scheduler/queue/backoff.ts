/**
 * Backoff for pods that did not fit: 1 s after the first failed attempt, doubling each attempt up
 * to 10 s (kube-scheduler's podInitialBackoffSeconds and podMaxBackoffSeconds).
 */
export interface BackoffConfig {
  readonly initialMs: number;
  readonly maxMs: number;
  /** How long a pod may wait in the unschedulable queue with no event before it is retried anyway. */
  readonly maxUnschedulableMs: number;
}

export const DEFAULT_BACKOFF: BackoffConfig = Object.freeze({ initialMs: 1_000, maxMs: 10_000, maxUnschedulableMs: 5 * 60_000 });

/** The wait after `attempts` failed attempts (attempts ≥ 1): initial × 2^(attempts−1), capped. */
export function backoffDuration(attempts: number, config: BackoffConfig = DEFAULT_BACKOFF): number {
  let duration = config.initialMs;
  for (let i = 1; i < attempts; i++) {
    if (duration >= config.maxMs / 2) return config.maxMs;
    duration *= 2;
  }
  return Math.min(duration, config.maxMs);
}
