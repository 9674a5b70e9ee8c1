import type { LatencyRecorder } from './latency-recorder.js';
import type { Workload } from './options.js';

/** One timed phase of a workload: what was measured and how long it took. */
export interface Phase {
  /** Shown as the summary's title, e.g. "Watch events received". */
  readonly title: string;
  readonly recorder: LatencyRecorder;
  readonly elapsedMs: number;
}

/** What a workload hands to the report and the result file. */
export interface WorkloadResult {
  readonly workload: Workload;
  readonly startedAt: Date;
  /** The phase the run is judged by: its totals, throughput, percentiles and series are the headline. */
  readonly main: Phase;
  /** Phases measured on the way (watch: creating the watchers, the puts that feed them). */
  readonly phases: readonly Phase[];
  /** Workload-specific counts, e.g. how many keys a range run read back. */
  readonly stats: Readonly<Record<string, number | string>>;
}
