import { Pool } from 'undici';
import type { Message, MsgSnap, NodeId } from '../core/index.js';
import type { Logger } from '../logger.js';
import { encodeMessages } from './codec.js';
import type { FaultInjector } from './fault-injector.js';
import { MESSAGES_PATH, SNAPSHOT_PATH, type TransportStats } from './transport.js';

export interface PeerSenderOptions {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly url: string;
  readonly maxQueued: number;
  readonly faults: FaultInjector;
  readonly stats: TransportStats;
  readonly log: Logger;
  readonly onUnreachable: (peer: NodeId) => void;
  readonly onSnapshotStatus: (peer: NodeId, ok: boolean) => void;
  /** Milliseconds from sending a batch to the peer's answer. */
  readonly onRoundTrip: (peer: NodeId, ms: number) => void;
}

const MAX_BATCH_MESSAGES = 1024;
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
const MIN_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 1000;
const REQUEST_TIMEOUT_MS = 5000;

/**
 * Everything we send to one peer: a bounded queue drained by one loop that posts
 * whatever accumulated while the previous request was in flight as one batch. A failed
 * batch is dropped (Raft retransmits what matters) and the loop backs off, doubling up
 * to a second, so a dead peer costs neither memory nor a busy loop.
 */
export class PeerSender {
  private queue: Message[] = [];
  private pool: Pool;
  private url: string;
  private running = false;
  private closed = false;
  private backoffMs = 0;
  private failing = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private readonly snapshots = new Set<Promise<void>>();

  constructor(private readonly opts: PeerSenderOptions) {
    this.url = opts.url;
    this.pool = newPool(opts.url);
  }

  get peerUrl(): string {
    return this.url;
  }

  setUrl(url: string): void {
    if (url === this.url) return;
    const old = this.pool;
    this.url = url;
    this.pool = newPool(url);
    this.backoffMs = 0;
    void old.destroy().catch(() => undefined);
  }

  enqueue(m: Message): void {
    if (this.closed) return;
    if (m.type === 'snap') {
      this.sendSnapshot(m);
      return;
    }
    if (this.queue.length >= this.opts.maxQueued) {
      this.opts.stats.droppedQueueFull++;
      return;
    }
    this.queue.push(m);
    if (!this.running) void this.drain();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queue = [];
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await Promise.allSettled(this.snapshots);
    await this.pool.destroy().catch(() => undefined);
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (!this.closed && this.queue.length > 0) {
        if (this.backoffMs > 0) await this.sleep(this.backoffMs);
        const delay = this.opts.faults.delay();
        if (delay > 0) await this.sleep(delay);
        if (this.closed) break;
        const batch = this.takeBatch();
        if (batch.length === 0) continue;
        await this.post(batch);
      }
    } finally {
      this.running = false;
    }
  }

  private takeBatch(): Message[] {
    const batch: Message[] = [];
    let bytes = 0;
    while (this.queue.length > 0 && batch.length < MAX_BATCH_MESSAGES && bytes < MAX_BATCH_BYTES) {
      const m = this.queue.shift()!;
      if (this.opts.faults.shouldDropOutgoing(m.to)) {
        this.opts.stats.droppedByFault++;
        continue;
      }
      if (m.type === 'app' || m.type === 'prop') for (const e of m.entries) bytes += e.data.byteLength;
      batch.push(m);
    }
    return batch;
  }

  private async post(batch: Message[]): Promise<void> {
    const body = encodeMessages(batch);
    const started = performance.now();
    try {
      const res = await this.pool.request({
        path: MESSAGES_PATH,
        method: 'POST',
        headers: { 'content-type': 'application/msgpack' },
        body,
        headersTimeout: REQUEST_TIMEOUT_MS,
        bodyTimeout: REQUEST_TIMEOUT_MS,
      });
      await res.body.dump();
      if (res.statusCode !== 204) throw new Error(`peer answered HTTP ${res.statusCode}`);
      this.opts.onRoundTrip(this.opts.to, performance.now() - started);
      this.opts.stats.messagesSent += batch.length;
      this.opts.stats.bytesSent += body.byteLength;
      this.backoffMs = 0;
      if (this.failing) this.opts.log.info('peer reachable again', { peer: this.opts.to });
      this.failing = false;
    } catch (err) {
      this.opts.stats.sendFailures++;
      this.backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(MIN_BACKOFF_MS, this.backoffMs * 2));
      if (!this.failing) this.opts.log.warn('peer unreachable', { peer: this.opts.to, error: (err as Error).message });
      this.failing = true;
      if (!this.closed) this.opts.onUnreachable(this.opts.to);
    }
  }

  /** Snapshots go on their own request, so a large one does not hold up heartbeats. */
  private sendSnapshot(m: MsgSnap): void {
    if (this.opts.faults.shouldDropOutgoing(m.to)) {
      this.opts.stats.droppedByFault++;
      this.opts.onSnapshotStatus(this.opts.to, false);
      return;
    }
    const done = (async () => {
      let ok = false;
      try {
        const body = encodeMessages([m]);
        const res = await this.pool.request({
          path: SNAPSHOT_PATH,
          method: 'POST',
          headers: { 'content-type': 'application/msgpack' },
          body,
        });
        await res.body.dump();
        ok = res.statusCode === 204;
        if (ok) {
          this.opts.stats.snapshotsSent++;
          this.opts.stats.bytesSent += body.byteLength;
        }
      } catch (err) {
        this.opts.log.warn('snapshot send failed', { peer: this.opts.to, error: (err as Error).message });
      }
      if (!this.closed) this.opts.onSnapshotStatus(this.opts.to, ok);
    })();
    this.snapshots.add(done);
    void done.finally(() => this.snapshots.delete(done));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
      this.timer.unref();
    }).then(() => {
      this.wake = undefined;
      this.timer = undefined;
    });
  }
}

function newPool(url: string): Pool {
  return new Pool(url, { connections: 2, pipelining: 1, keepAliveTimeout: 30_000 });
}
