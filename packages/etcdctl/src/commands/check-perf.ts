import { randomBytes } from 'node:crypto';
import { KvClient } from '@flotilla/kvstore/client';
import { KEY_BYTES, nextKey, VALUE_BYTES, type PerfLoad, type PerfResult } from './check-perf-model.js';
import type { SecondsBar } from './check-progress.js';

/** A put as clientv3 would report its failure (the client's message). */
const failureOf = (err: unknown) => (err as Error).message;

/**
 * The token bucket of golang.org/x/time/rate with burst 1: grants `limit` a second, never
 * two at once. Waits shorter than a millisecond are not slept (timers cannot), so the rate
 * holds on average even for the large profiles.
 */
class RateLimiter {
  private last = -Infinity;
  private readonly interval: number;

  constructor(limit: number) {
    this.interval = 1000 / limit;
  }

  /** Resolves when the next put may start; false once `until` has passed. */
  async take(until: number): Promise<boolean> {
    const grant = Math.max(performance.now(), this.last + this.interval);
    if (grant >= until) return false;
    this.last = grant;
    const wait = grant - performance.now();
    if (wait >= 1) await new Promise((r) => setTimeout(r, wait));
    return true;
  }
}

/**
 * Runs check perf's workload: `load.clients` clients, each with its own connection, put
 * random keys under `prefix` at no more than `load.limit` a second for `seconds`, while the
 * bar counts the seconds. Returns every put's outcome and how long the whole run took.
 */
export async function runPerfWorkload(
  endpoints: readonly string[],
  dialTimeoutMs: number,
  prefix: string,
  load: PerfLoad,
  seconds: number,
  bar: SecondsBar,
): Promise<{ results: PerfResult[]; totalSeconds: number }> {
  // A put has no deadline in etcdctl (context.Background()); five minutes stands for none.
  const clients = Array.from({ length: load.clients }, () => new KvClient({ endpoints, dialTimeoutMs, commandTimeoutMs: 300_000 }));
  const key = new Uint8Array(KEY_BYTES);
  const prefixBytes = Buffer.from(prefix);
  const value = Buffer.alloc(VALUE_BYTES).toString('base64');
  const limiter = new RateLimiter(load.limit);
  const results: PerfResult[] = [];
  // clientv3 dials each client before the run (a blocking dial); over the gateway a
  // connection opens with a first request, a serializable one-key range of the prefix.
  const probe = { key: Buffer.from(prefix).toString('base64'), limit: 1, serializable: true };
  await Promise.all(clients.map((c) => c.call('/v3/kv/range', probe)));
  const started = performance.now();
  const until = started + seconds * 1000;

  let ticked = 0;
  const ticker = setInterval(() => {
    bar.tick();
    if (++ticked >= seconds) {
      clearInterval(ticker);
      bar.finish();
    }
  }, 1000);

  const worker = async (client: KvClient) => {
    while (await limiter.take(until)) {
      const k = Buffer.concat([prefixBytes, nextKey(key, randomInt63)]).toString('base64');
      const t0 = performance.now();
      try {
        await client.call('/v3/kv/put', { key: k, value });
        results.push({ seconds: (performance.now() - t0) / 1000 });
      } catch (err) {
        results.push({ error: failureOf(err) });
      }
    }
  };
  try {
    await Promise.all(clients.map(worker));
    return { results, totalSeconds: (performance.now() - started) / 1000 };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    // The bar runs its full length, as etcdctl's does, even if the puts ended early.
    await new Promise<void>((resolve) => {
      if (ticked >= seconds) return resolve();
      const wait = setInterval(() => {
        if (ticked >= seconds) {
          clearInterval(wait);
          resolve();
        }
      }, 50);
    });
  }
}

/** rand.Int63n(math.MaxInt64): uniform in [0, 2^63 - 1). */
function randomInt63(): bigint {
  return randomBytes(8).readBigUInt64BE() >> 1n;
}
