/**
 * CrashLoopBackOff as the kubelet keeps it, per container: the first restart after a crash is
 * immediate, each further one waits twice as long as the one before (base, 2·base, … up to max),
 * and a container that ran for resetAfterMs before it exited starts again from no back-off.
 * Pure: the caller passes the clock in.
 */
export interface BackoffConfig {
  readonly baseMs: number;
  readonly maxMs: number;
  /** A run at least this long forgets the back-off (Kubernetes: 10 min, twice the maximum). */
  readonly resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffConfig = { baseMs: 10_000, maxMs: 300_000, resetAfterMs: 600_000 };

/** What one container's back-off holds: the wait before the next restart. */
export interface BackoffEntry {
  readonly delayMs: number;
}

/** The back-off after a container exited that had run for ranMs: undefined when the run was long enough to forget it. */
export function afterExit(entry: BackoffEntry | undefined, ranMs: number, config: BackoffConfig): BackoffEntry | undefined {
  return ranMs >= config.resetAfterMs ? undefined : entry;
}

/** When a container that finished at finishedAt may be started again. */
export function restartAllowedAt(entry: BackoffEntry | undefined, finishedAt: number): number {
  return entry ? finishedAt + entry.delayMs : finishedAt;
}

/** The back-off after a restart: base for the first, doubled (capped at max) for each further one. */
export function afterRestart(entry: BackoffEntry | undefined, config: BackoffConfig): BackoffEntry {
  if (!entry) return { delayMs: config.baseMs };
  return { delayMs: Math.min(entry.delayMs * 2, config.maxMs) };
}

/** Kubernetes' text for a duration in a back-off message: 10s, 1m20s, 5m0s. */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  if (total < 60) return `${total}s`;
  return `${Math.floor(total / 60)}m${total % 60}s`;
}
