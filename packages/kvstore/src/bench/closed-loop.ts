import { errorMessage } from './gateway-client.js';
import { LatencyRecorder } from './latency-recorder.js';
import { startProgress, type Progress } from './progress.js';

/** One request of a run: `i` is its sequence number (0 … total-1), `client` the loop that sends it. */
export type Operation = (i: number, client: number) => Promise<void>;

export interface ClosedLoopOptions {
  readonly total: number;
  /** Concurrent loops; each sends its next request when the previous one is answered. */
  readonly clients: number;
  readonly op: Operation;
  readonly recorder: LatencyRecorder;
  readonly progress: Progress;
  /** Requests per second for all loops together; 0 or absent sends as fast as answers come. */
  readonly ratePerSecond?: number;
  /** Stops handing out requests (those in flight finish and are counted). */
  readonly signal?: AbortSignal;
}

/**
 * Runs `total` requests on `clients` loops, as etcd's benchmark does with its client
 * goroutines, recording each latency or error. Resolves with the wall time of the run.
 */
export async function runClosedLoop(o: ClosedLoopOptions): Promise<{ elapsedMs: number }> {
  const started = performance.now();
  const interval = o.ratePerSecond && o.ratePerSecond > 0 ? 1000 / o.ratePerSecond : 0;
  let next = 0;
  const loop = async (client: number): Promise<void> => {
    for (;;) {
      if (o.signal?.aborted || next >= o.total) return;
      const i = next++;
      if (interval > 0) {
        // The i-th request is due at started + i·interval: a slow answer is caught up, not skipped.
        const wait = started + i * interval - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const t0 = performance.now();
      try {
        await o.op(i, client);
        o.recorder.record(t0, performance.now());
      } catch (err) {
        o.recorder.recordError(errorMessage(err), performance.now());
      }
      o.progress.tick();
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.clients, o.total) }, (_, c) => loop(c)));
  return { elapsedMs: performance.now() - started };
}

/** A closed-loop run with its own recorder and progress bar: what put and range measure. */
export async function measure(
  label: string,
  o: { readonly total: number; readonly clients: number; readonly signal?: AbortSignal },
  op: Operation,
): Promise<{ startedAt: Date; recorder: LatencyRecorder; elapsedMs: number }> {
  const startedAt = new Date();
  const recorder = new LatencyRecorder(performance.now());
  const progress = startProgress(label, o.total);
  const { elapsedMs } = await runClosedLoop({ total: o.total, clients: o.clients, recorder, progress, signal: o.signal, op });
  progress.stop();
  return { startedAt, recorder, elapsedMs };
}
