import { Readable } from 'node:stream';
import { Pool } from 'undici';
import type { Message, MsgSnap, NodeId } from '../core/index.js';
import type { Logger } from '../logger.js';
import { encodeMessages } from './codec.js';
import type { FaultInjector } from './fault-injector.js';
import { MessageQueue } from './message-queue.js';
import { RetryBackoff } from './retry-backoff.js';
import { Sleeper } from './sleeper.js';
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
/** A rough per-message envelope size, so a batch of many small messages is capped too. */
const MESSAGE_OVERHEAD_BYTES = 64;
const MIN_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 1000;
const REQUEST_TIMEOUT_MS = 5000;
const CONNECT_TIMEOUT_MS = 3000;
/** Snapshots may be large: this bounds a stall (no progress), not the whole transfer. */
const SNAPSHOT_IDLE_TIMEOUT_MS = 30_000;
const SNAPSHOT_CHUNK_BYTES = 1024 * 1024;

/** The peer answered, but not with 204. */
class PeerRefusedError extends Error {
  constructor(
    readonly status: number,
    reason: string,
  ) {
    super(`peer answered HTTP ${status}: ${reason.trim().slice(0, 200)}`);
    this.name = 'PeerRefusedError';
  }
}

/**
 * Everything we send to one peer: a bounded queue drained by one loop that posts
 * whatever accumulated while the previous request was in flight as one batch. A failed
 * batch is dropped (Raft retransmits what matters) and the loop backs off, doubling up
 * to a second, so a dead peer costs neither memory nor a busy loop.
 */
export class PeerSender {
  private readonly queue: MessageQueue;
  private readonly sleeper = new Sleeper();
  private pool: Pool;
  private url: string;
  /** The drain loop; at most one runs, and close() waits for it. */
  private loop: Promise<void> = Promise.resolve();
  private draining = false;
  private closed = false;
  private closing: Promise<void> | undefined;
  private readonly backoff = new RetryBackoff(MIN_BACKOFF_MS, MAX_BACKOFF_MS);
  private failing = false;
  private queueFull = false;
  private readonly snapshots = new Set<Promise<void>>();
  private readonly retiredPools = new Set<Promise<void>>();

  constructor(private readonly opts: PeerSenderOptions) {
    this.queue = new MessageQueue(opts.maxQueued);
    this.url = opts.url;
    this.pool = newPool(opts.url);
  }

  get peerUrl(): string {
    return this.url;
  }

  /** Points this peer at a new URL; what is queued goes there, without waiting out a back-off. */
  setUrl(url: string): void {
    if (this.closed || url === this.url) return;
    this.retire(this.pool);
    this.url = url;
    this.pool = newPool(url);
    this.backoff.succeeded();
    this.sleeper.wakeAll();
  }

  /** Queues `m` (snapshots go on their own request); never throws, drops when the queue is full. */
  enqueue(m: Message): void {
    if (this.closed) return;
    if (m.type === 'snap') {
      this.trackSnapshot(m);
      return;
    }
    if (!this.queue.push(m)) {
      this.opts.stats.droppedQueueFull++;
      if (!this.queueFull) this.opts.log.warn('peer queue full, dropping messages', { peer: this.opts.to, capacity: this.queue.capacity });
      this.queueFull = true;
      return;
    }
    this.queueFull = false;
    if (!this.draining) {
      this.loop = this.drain().catch((err: unknown) => this.opts.log.error('peer send loop failed', { peer: this.opts.to, error: err }));
    }
  }

  /** Drops the queue, aborts requests in flight, and resolves once nothing of this peer is left running. */
  close(): Promise<void> {
    if (!this.closing) {
      this.closed = true;
      this.queue.clear();
      this.sleeper.wakeAll();
      // Destroying the pool aborts requests in flight, so a hung peer cannot hold close() up.
      this.retire(this.pool);
      this.closing = Promise.allSettled([this.loop, ...this.snapshots, ...this.retiredPools]).then(() => undefined);
    }
    return this.closing;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      // Start after the current send() call, so all of it can go out in the first batch.
      await Promise.resolve();
      while (!this.closed && this.queue.length > 0) {
        const pause = this.backoff.waitAt(performance.now());
        if (pause > 0) await this.sleeper.sleep(pause);
        const delay = this.opts.faults.delay();
        if (delay > 0) await this.sleeper.sleep(delay);
        if (this.closed) break;
        const batch = this.takeBatch();
        if (batch.length > 0) await this.post(batch);
      }
    } finally {
      // Cleared in the same turn as the last emptiness check, so an enqueue never finds a
      // loop that is about to exit.
      this.draining = false;
    }
  }

  private takeBatch(): Message[] {
    const batch: Message[] = [];
    let bytes = 0;
    for (let m = this.queue.peek(); m !== undefined && batch.length < MAX_BATCH_MESSAGES; m = this.queue.peek()) {
      const size = approximateSize(m);
      if (batch.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
      this.queue.shift();
      if (this.opts.faults.shouldDropOutgoing(m.to)) {
        this.opts.stats.droppedByFault++;
        continue;
      }
      bytes += size;
      batch.push(m);
    }
    return batch;
  }

  /** Posts one batch; never throws. */
  private async post(batch: Message[]): Promise<void> {
    const pool = this.pool;
    const started = performance.now();
    try {
      const body = encodeMessages(batch);
      const res = await pool.request({
        path: MESSAGES_PATH,
        method: 'POST',
        headers: { 'content-type': 'application/msgpack' },
        body,
        headersTimeout: REQUEST_TIMEOUT_MS,
        bodyTimeout: REQUEST_TIMEOUT_MS,
      });
      const reason = await res.body.text();
      if (res.statusCode !== 204) throw new PeerRefusedError(res.statusCode, reason);
      this.opts.stats.messagesSent += batch.length;
      this.opts.stats.bytesSent += body.byteLength;
      this.backoff.succeeded();
      if (this.failing) this.opts.log.info('peer reachable again', { peer: this.opts.to });
      this.failing = false;
      this.notify(() => this.opts.onRoundTrip(this.opts.to, performance.now() - started));
    } catch (err) {
      if (this.closed) return;
      this.opts.stats.sendFailures++;
      if (pool !== this.pool) {
        // Aborted by updatePeer: the old address says nothing about the new one.
        this.opts.log.debug('dropped a batch to the peer\'s old URL', { peer: this.opts.to });
        return;
      }
      this.backoff.failed(performance.now());
      if (!this.failing) this.opts.log.warn('peer unreachable', { peer: this.opts.to, url: this.url, error: (err as Error).message });
      this.failing = true;
      this.notify(() => this.opts.onUnreachable(this.opts.to));
    }
  }

  private trackSnapshot(m: MsgSnap): void {
    const done = this.sendSnapshot(m).then((ok) => {
      if (!this.closed) this.notify(() => this.opts.onSnapshotStatus(this.opts.to, ok));
    });
    this.snapshots.add(done);
    void done.finally(() => this.snapshots.delete(done));
  }

  /**
   * A snapshot goes on its own request, streamed in chunks, so a large one neither holds up
   * heartbeats nor trips a whole-transfer timeout. Resolves to whether the peer took it.
   */
  private async sendSnapshot(m: MsgSnap): Promise<boolean> {
    // Report asynchronously even when the answer is immediate: send() must not call back into the driver.
    await Promise.resolve();
    const delay = this.opts.faults.delay();
    if (delay > 0) await this.sleeper.sleep(delay);
    if (this.closed) return false;
    if (this.opts.faults.shouldDropOutgoing(m.to)) {
      this.opts.stats.droppedByFault++;
      return false;
    }
    try {
      const body = encodeMessages([m]);
      const res = await this.pool.request({
        path: SNAPSHOT_PATH,
        method: 'POST',
        headers: { 'content-type': 'application/msgpack', 'content-length': String(body.byteLength) },
        body: Readable.from(chunks(body, SNAPSHOT_CHUNK_BYTES)),
        headersTimeout: SNAPSHOT_IDLE_TIMEOUT_MS,
        bodyTimeout: SNAPSHOT_IDLE_TIMEOUT_MS,
      });
      const reason = await res.body.text();
      if (res.statusCode !== 204) throw new PeerRefusedError(res.statusCode, reason);
      this.opts.stats.messagesSent++;
      this.opts.stats.snapshotsSent++;
      this.opts.stats.bytesSent += body.byteLength;
      this.opts.log.info('sent a snapshot', { peer: this.opts.to, index: m.snapshot.metadata.index, bytes: body.byteLength });
      return true;
    } catch (err) {
      if (!this.closed) {
        this.opts.stats.sendFailures++;
        this.opts.log.warn('snapshot send failed', { peer: this.opts.to, error: (err as Error).message });
      }
      return false;
    }
  }

  /** Calls back into the driver; a throwing handler is the driver's bug, logged, not our loop's death. */
  private notify(callback: () => void): void {
    try {
      callback();
    } catch (err) {
      this.opts.log.error('a transport handler threw', { peer: this.opts.to, error: err });
    }
  }

  private retire(pool: Pool): void {
    const destroyed = pool.destroy().catch((err: unknown) => this.opts.log.debug('closing a peer pool failed', { peer: this.opts.to, error: err }));
    this.retiredPools.add(destroyed);
    void destroyed.finally(() => this.retiredPools.delete(destroyed));
  }
}

function newPool(url: string): Pool {
  // Two connections: a snapshot in flight does not hold up the batches.
  return new Pool(url, { connections: 2, pipelining: 1, keepAliveTimeout: 30_000, connectTimeout: CONNECT_TIMEOUT_MS });
}

/** Bytes a message adds to a batch, roughly: its entries' payloads and an envelope. */
function approximateSize(m: Message): number {
  let bytes = MESSAGE_OVERHEAD_BYTES;
  if (m.type === 'app' || m.type === 'prop') for (const e of m.entries) bytes += e.data.byteLength + MESSAGE_OVERHEAD_BYTES;
  return bytes;
}

function* chunks(body: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < body.byteLength; at += size) yield body.subarray(at, at + size);
}
