import type { KvOperation } from './history.js';
import type { HistoryRecorder } from './history-recorder.js';
import type { KvOperations } from './kv-operations.js';
import type { SeededRandom } from './seeded-random.js';

export interface KvWorkloadOptions {
  readonly clients: number;
  /** How many keys the clients share; fewer keys, more contention for the checker to judge. */
  readonly keys: number;
  /** Every key the workload touches starts with it (the watchers watch it). */
  readonly prefix: string;
  /** Operations per second for all clients together; 0 sends as fast as answers come. */
  readonly ratePerSecond: number;
}

/** How often each kind of operation is chosen, out of the sum. */
const MIX: readonly { readonly type: KvOperation['type']; readonly weight: number }[] = [
  { type: 'get', weight: 35 },
  { type: 'put', weight: 30 },
  { type: 'cas', weight: 25 },
  { type: 'delete', weight: 10 },
];
const MIX_TOTAL = MIX.reduce((n, m) => n + m.weight, 0);

/** The pauses after operations that did not succeed: from the first, doubling to the cap. */
const FIRST_BACKOFF_MS = 10;
const MAX_BACKOFF_MS = 50;

/**
 * How long a client pauses after its `inRow`-th operation in a row that did not succeed. The first
 * refusal (`failed`: the member is down, or refused before anything took effect) is followed at
 * once by the next operation, most likely to another member; otherwise (a member without a leader,
 * a timeout) the pause starts short and doubles to a small cap, so a member answering "no leader"
 * is asked again soon after an election ends, yet a dead cluster is not hammered.
 */
export function pauseAfterFailure(inRow: number, status: 'failed' | 'unknown'): number {
  if (inRow === 1 && status === 'failed') return 0;
  return Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.max(0, inRow - 1));
}

/** The workload's keys: `<prefix>k/00` … in order. */
export function workloadKeys(prefix: string, count: number): string[] {
  const width = String(count - 1).length;
  return Array.from({ length: count }, (_, i) => `${prefix}k/${String(i).padStart(width, '0')}`);
}

/**
 * Concurrent clients, each a closed loop of puts, linearizable gets, deletes and compare-and-swap
 * txns on a few shared keys, every one recorded with its outcome. Values name the operation that
 * wrote them ("v<id>"), so each is unique. Each operation goes to a member chosen at random, so
 * every member, a cut-off or stale one too, keeps answering part of the reads and writes.
 */
export class KvWorkload {
  private readonly keys: string[];

  constructor(
    private readonly ops: KvOperations,
    private readonly recorder: HistoryRecorder,
    private readonly random: SeededRandom,
    private readonly options: KvWorkloadOptions,
  ) {
    this.keys = workloadKeys(options.prefix, options.keys);
  }

  /** Runs until `signal` aborts; resolves when every client's last operation has an outcome. */
  async run(signal: AbortSignal): Promise<void> {
    await Promise.all(Array.from({ length: this.options.clients }, (_, c) => this.client(c, this.random.derive(`client-${c}`), signal)));
  }

  private async client(client: number, random: SeededRandom, signal: AbortSignal): Promise<void> {
    const endpoints = this.ops.endpoints.length;
    // The last value this client saw for each key: what its compare-and-swaps expect.
    const seen = new Map<string, string | null>();
    let failuresInRow = 0;
    const interval = this.options.ratePerSecond > 0 ? (1000 * this.options.clients) / this.options.ratePerSecond : 0;
    while (!signal.aborted) {
      const started = performance.now();
      const endpoint = random.below(endpoints);
      const key = random.choose(this.keys);
      const type = pickType(random.next());
      // A quarter of the swaps expect the key absent whatever was seen, so creation races happen too.
      const expected = random.next() < 0.25 ? null : (seen.get(key) ?? null);
      const entry = await this.recorder.record(
        client,
        (id) => operation(type, key, `v${id}`, expected),
        (op) => this.ops.send(endpoint, op),
      );
      const { op, outcome } = entry;
      if (outcome.status === 'ok') {
        failuresInRow = 0;
        const r = outcome.result;
        if (r.type === 'get') seen.set(key, r.value);
        else if (op.type === 'put' || (op.type === 'cas' && r.type === 'cas' && r.succeeded)) seen.set(key, op.value);
        else if (op.type === 'delete') seen.set(key, null);
      } else {
        const pause = pauseAfterFailure(++failuresInRow, outcome.status);
        if (pause > 0) await sleep(pause, signal);
      }
      const wait = interval - (performance.now() - started);
      if (wait > 0) await sleep(wait, signal);
    }
  }
}

function pickType(u: number): KvOperation['type'] {
  let at = u * MIX_TOTAL;
  for (const m of MIX) {
    if (at < m.weight) return m.type;
    at -= m.weight;
  }
  return MIX[MIX.length - 1].type;
}

function operation(type: KvOperation['type'], key: string, value: string, expected: string | null): KvOperation {
  switch (type) {
    case 'get':
      return { type, key };
    case 'put':
      return { type, key, value };
    case 'delete':
      return { type, key };
    case 'cas':
      return { type, key, expected, value };
  }
}

/** Waits `ms`, or less if `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
