import type { HistoryOperation } from './history.js';

/** The width of one point of the report's timeline. */
export const BUCKET_MS = 250;

/** One bucket of the run, by the time operations returned. */
export interface TimelinePoint {
  /** Start of the bucket, ms since the run started. */
  readonly at: number;
  /** Operations that succeeded per second. */
  readonly okPerSecond: number;
  /** Operations that failed or whose outcome is unknown, per second. */
  readonly notOkPerSecond: number;
  /** Latency of the successful operations (undefined in a bucket without any). */
  readonly p50Ms?: number;
  readonly p99Ms?: number;
}

/** Throughput and latency percentiles per bucket over [0, endedAt). Pure. */
export function timelineOf(operations: readonly HistoryOperation[], endedAt: number, bucketMs = BUCKET_MS): TimelinePoint[] {
  const n = Math.max(1, Math.ceil(endedAt / bucketMs));
  const latencies: number[][] = Array.from({ length: n }, () => []);
  const notOk = new Array<number>(n).fill(0);
  for (const o of operations) {
    const b = Math.min(n - 1, Math.max(0, Math.floor(o.returnedAt / bucketMs)));
    if (o.outcome.status === 'ok') latencies[b].push(o.returnedAt - o.invokedAt);
    else notOk[b]++;
  }
  const perSecond = 1000 / bucketMs;
  return latencies.map((l, b) => {
    l.sort((x, y) => x - y);
    return {
      at: b * bucketMs,
      okPerSecond: l.length * perSecond,
      notOkPerSecond: notOk[b] * perSecond,
      ...(l.length > 0 ? { p50Ms: percentile(l, 0.5), p99Ms: percentile(l, 0.99) } : {}),
    };
  });
}

/** The nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
