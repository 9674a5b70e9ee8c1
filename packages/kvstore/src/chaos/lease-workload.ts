import { KvClient } from '../client/index.js';
import type { HistoryRecorder } from './history-recorder.js';
import type { KvOperations } from './kv-operations.js';
import { sleep } from './kv-workload.js';
import type { SeededRandom } from './seeded-random.js';

export interface LeaseWorkloadOptions {
  readonly prefix: string;
  readonly ttlSeconds: number;
  /** A new lease is granted this often. */
  readonly everyMs: number;
  /** History client numbers for lease puts start here (after the KV clients'); each lease is its own client. */
  readonly firstClient: number;
}

/** Keys put under each lease. */
const KEYS_PER_LEASE = 2;

/**
 * Leases with keys on them: each is granted, gets its keys with recorded puts, is kept alive for
 * one to three TTLs, then abandoned (half of them revoked). Lease keys are written once each and
 * never by the KV workload, so expiry is the only thing that deletes them.
 *
 * What the record promises the lease checker: `grantedAt` is when the grant was sent (the lease
 * cannot expire before grantedAt + TTL); `abandonedAt` is when keep-alives stopped, or, when they
 * lapsed (a keep-alive failed past the TTL, or answered that the lease is gone), when the last
 * one came back: no keep-alive is claimed that did not get through.
 */
export class LeaseWorkload {
  private readonly client: KvClient;
  private readonly lives = new Set<Promise<void>>();
  private leasesStarted = 0;
  private ending = false;

  constructor(
    endpoints: readonly string[],
    private readonly ops: KvOperations,
    private readonly recorder: HistoryRecorder,
    private readonly random: SeededRandom,
    private readonly options: LeaseWorkloadOptions,
  ) {
    this.client = new KvClient({ endpoints, commandTimeoutMs: 1000, dialTimeoutMs: 500 });
  }

  /**
   * Grants leases until `signal` aborts, and resolves once no lease is granting or putting any
   * more (so nothing is written after the final read). Leases still kept alive are kept until `finish`.
   */
  async run(signal: AbortSignal): Promise<void> {
    const writing = new Set<Promise<void>>();
    while (!signal.aborted) {
      let wrote!: () => void;
      const written = new Promise<void>((r) => (wrote = r));
      writing.add(written);
      void written.then(() => writing.delete(written));
      const life = this.live(this.leasesStarted++, signal, wrote).catch(() => undefined).finally(wrote);
      this.lives.add(life);
      void life.finally(() => this.lives.delete(life));
      await sleep(this.options.everyMs, signal);
    }
    await Promise.all([...writing]);
  }

  /** Stops keeping every lease alive (after the final state is read) and waits for their loops. */
  async finish(): Promise<void> {
    this.ending = true;
    await Promise.all([...this.lives]);
    await this.client.close();
  }

  private async live(n: number, signal: AbortSignal, wrote: () => void): Promise<void> {
    const ttlMs = this.options.ttlSeconds * 1000;
    const grantedAt = this.recorder.now();
    let granted: { id: bigint; ttl: number };
    try {
      granted = await this.client.leaseGrant(this.options.ttlSeconds);
    } catch {
      return; // never granted as far as we know: an orphan lease, if any, has no keys and expires
    }
    const lease = this.recorder.lease(granted.id.toString(), granted.ttl, grantedAt);
    let lastKeptAt = this.recorder.now();
    const client = this.options.firstClient + n;
    for (let k = 0; k < KEYS_PER_LEASE && !signal.aborted; k++) {
      const key = `${this.options.prefix}lease/${granted.id.toString(16)}/${k}`;
      const put = await this.recorder.record(
        client,
        (id) => ({ type: 'put', key, value: `v${id}`, lease: lease.id }),
        (op) => this.ops.send(this.random.below(this.ops.endpoints.length), op),
      );
      if (put.outcome.status === 'ok') lease.keys.push(key);
    }
    wrote();
    const keepUntil = grantedAt + this.random.between(1, 3) * ttlMs;
    // Every fifth lease is kept alive until the run ends, so the final state holds some leased keys.
    const toTheEnd = n % 5 === 0;
    while (!this.ending && (toTheEnd || this.recorder.now() < keepUntil)) {
      await sleep(ttlMs / 4);
      let ttlLeft: number;
      try {
        ttlLeft = await this.client.leaseKeepAliveOnce(granted.id);
      } catch {
        if (this.recorder.now() - lastKeptAt < ttlMs / 2) continue;
        return void (lease.abandonedAt = lastKeptAt);
      }
      if (ttlLeft <= 0) return void (lease.abandonedAt = lastKeptAt);
      lastKeptAt = this.recorder.now();
    }
    // Kept alive past the final read: no abandonedAt, as the history describes.
    if (this.ending) return;
    lease.abandonedAt = this.recorder.now();
    if (this.random.next() < 0.5) {
      try {
        await this.client.leaseRevoke(granted.id);
        lease.revoked = true;
      } catch {
        // Not known to be revoked: it expires instead.
      }
    }
  }
}
