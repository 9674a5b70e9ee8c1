import { runClosedLoop } from './closed-loop.js';
import { GatewayClient } from './gateway-client.js';
import { KeySpace, sequenceOfValue, sequenceValueBase64 } from './key-space.js';
import { LatencyRecorder } from './latency-recorder.js';
import type { WatchOptions } from './options.js';
import { silentProgress, startProgress } from './progress.js';
import { BenchWatchStream } from './watch-stream.js';
import type { WorkloadResult } from './workload-result.js';

/** How long creating the watchers may take before the missing ones count as errors. */
const CREATE_TIMEOUT_MS = 15_000;
/** After the last put is answered, how long without a new event before missing events count as errors. */
const EVENT_IDLE_TIMEOUT_MS = 5_000;
const POLL_MS = 5;

/**
 * `bench watch`: opens --watchers watchers over --streams streams, each watching the whole
 * key space, then makes --put-total puts (at --put-rate per second, from --clients loops).
 * Every put becomes one event at every watcher; the headline latency is the time from
 * sending a put to a watcher receiving its event (etcd's `watch-latency`). The value of
 * each put carries its sequence number, which is how an event finds its put.
 */
export async function runWatch(o: WatchOptions, signal?: AbortSignal): Promise<WorkloadResult> {
  const keys = new KeySpace(o.keySpaceSize, o.keySize, o.sequentialKeys);
  const startedAt = new Date();
  const putStartMs = new Float64Array(o.putTotal);
  const creation = new LatencyRecorder(performance.now());
  // Made when the puts start, so its second 0 is the first put; until then no event can be ours.
  let events: LatencyRecorder | undefined;
  let eventsReceived = 0;
  let lastEventMs = 0;
  let watching = 0;
  let refused = 0;

  const createProgress = startProgress('watch create', o.watchers);
  let eventProgress = silentProgress;
  const streamCount = Math.min(o.streams, o.watchers);
  const streams: BenchWatchStream[] = [];
  const createSentMs = performance.now();
  for (let s = 0; s < streamCount; s++) {
    const watchers = Math.floor(o.watchers / streamCount) + (s < o.watchers % streamCount ? 1 : 0);
    streams.push(
      new BenchWatchStream(o.endpoints[s % o.endpoints.length], watchers, keys.wholeRangeBase64(), {
        created: (at) => {
          watching++;
          creation.record(createSentMs, at);
          createProgress.tick();
        },
        refused: (message, at, n) => {
          refused += n;
          creation.recordError(message, at, n);
          createProgress.tick(n);
        },
        events: (values, at) => {
          if (!events) return;
          let ours = 0;
          for (const v of values) {
            const seq = sequenceOfValue(v);
            // Events of keys this run did not write (another client's) are not ours to time.
            if (seq === undefined || seq >= o.putTotal || putStartMs[seq] === 0) continue;
            events.record(putStartMs[seq], at);
            ours++;
            lastEventMs = at;
          }
          eventsReceived += ours;
          eventProgress.tick(ours);
        },
        broken: (message, at) => (events ?? creation).recordError(message, at),
      }),
    );
  }

  const client = new GatewayClient(o.endpoints, o.conns);
  try {
    await waitFor(() => watching + refused >= o.watchers, CREATE_TIMEOUT_MS, signal);
    createProgress.stop();
    const creationMs = performance.now() - createSentMs;
    creation.recordError(`watch not created within ${CREATE_TIMEOUT_MS / 1000}s`, performance.now(), o.watchers - watching - refused);

    const puts = new LatencyRecorder(performance.now());
    const received = (events = new LatencyRecorder(puts.originMs));
    eventProgress = startProgress('watch events', o.putTotal * watching);
    const { elapsedMs: putMs } = await runClosedLoop({
      total: o.putTotal,
      clients: o.clients,
      ratePerSecond: o.putRate,
      recorder: puts,
      progress: silentProgress,
      signal,
      op: async (i, c) => {
        putStartMs[i] = performance.now();
        await client.post(c % o.endpoints.length, '/v3/kv/put', { key: keys.keyBase64For(i), value: sequenceValueBase64(i, o.valSize) });
      },
    });
    const expected = puts.succeeded * watching;
    const putsDoneMs = performance.now();
    await waitFor(() => eventsReceived >= expected || performance.now() - Math.max(lastEventMs, putsDoneMs) > EVENT_IDLE_TIMEOUT_MS, Infinity, signal);
    eventProgress.stop();
    const missing = expected - eventsReceived;
    received.recordError(`watch event not received within ${EVENT_IDLE_TIMEOUT_MS / 1000}s of the last`, performance.now(), missing);
    const eventsMs = Math.max(lastEventMs, putsDoneMs) - puts.originMs;

    return {
      workload: 'watch',
      startedAt,
      main: { title: 'Watch events received', recorder: received, elapsedMs: eventsMs },
      phases: [
        { title: 'Watch creation', recorder: creation, elapsedMs: creationMs },
        { title: 'Put', recorder: puts, elapsedMs: putMs },
      ],
      stats: { watchers: watching, streams: streamCount, putsSucceeded: puts.succeeded, eventsExpected: expected, eventsReceived },
    };
  } finally {
    await Promise.all(streams.map((s) => s.close()));
    await client.close();
  }
}

/** Resolves once `done()` holds, the timeout passes, or the run is aborted. */
async function waitFor(done: () => boolean, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done() && performance.now() < deadline && !signal?.aborted) await new Promise((r) => setTimeout(r, POLL_MS));
}
