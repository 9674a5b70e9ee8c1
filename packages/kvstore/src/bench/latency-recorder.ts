import { build, type Histogram } from 'hdr-histogram-js';

/** The percentiles etcd's benchmark prints, in order. */
export const PERCENTILES = [10, 25, 50, 75, 90, 95, 99, 99.9] as const;

/** Latency figures in milliseconds. Fastest, slowest, average and stddev are exact; percentiles come from an HDR histogram (3 significant digits). */
export interface LatencySummary {
  readonly count: number;
  readonly fastestMs: number;
  readonly slowestMs: number;
  readonly averageMs: number;
  readonly stddevMs: number;
  /** Keys `p10` … `p99.9`, and `max`. */
  readonly percentilesMs: Readonly<Record<string, number>>;
}

/** What happened in one second of the run (by completion time, counted from the start). */
export interface SecondPoint {
  readonly second: number;
  readonly requests: number;
  readonly errors: number;
  readonly averageMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

interface SecondBucket {
  histogram: Histogram;
  sumMs: number;
  errors: number;
}

const newHistogram = (digits: 2 | 3): Histogram => build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: digits });

/**
 * Collects the outcome of every request of a run: latencies (recorded in microseconds),
 * errors counted by message, and a per-second series. Times are `performance.now()`
 * milliseconds; the recorder never reads a clock itself.
 */
export class LatencyRecorder {
  private readonly histogram = newHistogram(3);
  private readonly seconds: SecondBucket[] = [];
  private readonly errorCounts = new Map<string, number>();
  private count = 0;
  private failures = 0;
  private sumMs = 0;
  private sumSquaresMs = 0;
  private fastestMs = Infinity;
  private slowestMs = 0;

  /** `originMs` is second 0 of the per-second series. */
  constructor(readonly originMs: number) {}

  /** A request that started at `startMs` and was answered at `endMs`. */
  record(startMs: number, endMs: number): void {
    const ms = Math.max(0, endMs - startMs);
    this.count++;
    this.sumMs += ms;
    this.sumSquaresMs += ms * ms;
    if (ms < this.fastestMs) this.fastestMs = ms;
    if (ms > this.slowestMs) this.slowestMs = ms;
    const us = Math.max(1, Math.round(ms * 1000));
    this.histogram.recordValue(us);
    const bucket = this.bucket(endMs);
    bucket.histogram.recordValue(us);
    bucket.sumMs += ms;
  }

  /** `count` requests that failed with `message` at `atMs`. */
  recordError(message: string, atMs: number, count = 1): void {
    if (count <= 0) return;
    this.failures += count;
    this.errorCounts.set(message, (this.errorCounts.get(message) ?? 0) + count);
    this.bucket(atMs).errors += count;
  }

  get succeeded(): number {
    return this.count;
  }

  get failed(): number {
    return this.failures;
  }

  /** Errors by message, most frequent first. */
  errors(): Record<string, number> {
    return Object.fromEntries([...this.errorCounts].sort((a, b) => b[1] - a[1]));
  }

  summary(): LatencySummary {
    if (this.count === 0) return { count: 0, fastestMs: 0, slowestMs: 0, averageMs: 0, stddevMs: 0, percentilesMs: {} };
    const average = this.sumMs / this.count;
    // Population stddev, as etcd's report computes it.
    const variance = Math.max(0, this.sumSquaresMs / this.count - average * average);
    const percentilesMs: Record<string, number> = {};
    for (const p of PERCENTILES) percentilesMs[`p${p}`] = this.histogram.getValueAtPercentile(p) / 1000;
    percentilesMs.max = this.slowestMs;
    return { count: this.count, fastestMs: this.fastestMs, slowestMs: this.slowestMs, averageMs: average, stddevMs: Math.sqrt(variance), percentilesMs };
  }

  series(): SecondPoint[] {
    const out: SecondPoint[] = [];
    for (let s = 0; s < this.seconds.length; s++) {
      const b = this.seconds[s];
      const n = b?.histogram.totalCount ?? 0;
      out.push({
        second: s,
        requests: n,
        errors: b?.errors ?? 0,
        averageMs: n > 0 ? b!.sumMs / n : 0,
        p50Ms: n > 0 ? b!.histogram.getValueAtPercentile(50) / 1000 : 0,
        p99Ms: n > 0 ? b!.histogram.getValueAtPercentile(99) / 1000 : 0,
        maxMs: n > 0 ? b!.histogram.maxValue / 1000 : 0,
      });
    }
    return out;
  }

  private bucket(atMs: number): SecondBucket {
    const s = Math.max(0, Math.floor((atMs - this.originMs) / 1000));
    let b = this.seconds[s];
    if (!b) {
      b = this.seconds[s] = { histogram: newHistogram(2), sumMs: 0, errors: 0 };
      // Seconds with no completions still belong in the series.
      for (let i = 0; i < s; i++) this.seconds[i] ??= { histogram: newHistogram(2), sumMs: 0, errors: 0 };
    }
    return b;
  }
}
