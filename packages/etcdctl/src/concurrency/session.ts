import type { KvClient } from '@flotilla/kvstore/client';

/** clientv3/concurrency's default session TTL, in seconds. */
export const DEFAULT_SESSION_TTL = 60;

/** How often a failed keep-alive is retried (clientv3 checks its leases every 500 ms). */
const RETRY_MS = 500;

/**
 * A lease kept alive for as long as the session lives, as clientv3/concurrency's Session:
 * a keep-alive every TTL/3, and `done` resolves once the lease is gone (the server answers
 * TTL 0) or has not been refreshed for a whole TTL.
 */
export class Session {
  readonly done: Promise<void>;
  private readonly stop = new AbortController();

  private constructor(
    readonly client: KvClient,
    readonly lease: bigint,
    readonly ttl: number,
  ) {
    this.done = this.keepAlive();
  }

  /** Grants the session's lease; a TTL of 0 or less means the default, as WithTTL has it. */
  static async create(client: KvClient, ttl = DEFAULT_SESSION_TTL): Promise<Session> {
    const seconds = ttl > 0 ? ttl : DEFAULT_SESSION_TTL;
    const granted = await client.leaseGrant(seconds);
    return new Session(client, granted.id, granted.ttl);
  }

  /** Stops refreshing the lease and leaves it to expire (etcdctl never revokes its sessions). */
  orphan(): void {
    this.stop.abort();
  }

  private async keepAlive(): Promise<void> {
    let deadline = Date.now() + this.ttl * 1000;
    let next = Date.now();
    while (!this.stop.signal.aborted) {
      await sleep(next - Date.now(), this.stop.signal);
      if (this.stop.signal.aborted) return;
      try {
        const ttl = await this.client.leaseKeepAliveOnce(this.lease);
        if (ttl <= 0) return;
        deadline = Date.now() + ttl * 1000;
        next = Date.now() + (ttl * 1000) / 3;
      } catch {
        if (Date.now() >= deadline) return;
        next = Date.now() + RETRY_MS;
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
