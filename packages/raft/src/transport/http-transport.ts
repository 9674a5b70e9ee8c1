import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Message, MsgSnap, NodeId } from '../core/index.js';
import { silentLogger, type Logger } from '../logger.js';
import { FaultInjector } from './fault-injector.js';
import { PeerReceiver } from './peer-receiver.js';
import { PeerSender } from './peer-sender.js';
import { emptyStats, type Transport, type TransportStats } from './transport.js';

export interface HttpTransportOptions {
  readonly id: NodeId;
  readonly host: string;
  /** 0 lets the OS choose. */
  readonly port: number;
  readonly logger?: Logger;
  /** Messages queued per peer before new ones are dropped. Default 4096. */
  readonly maxQueuedMessages?: number;
  /** Largest snapshot body accepted (message batches: this or 64 MiB, whichever is less). Default 1 GiB. */
  readonly maxBodyBytes?: number;
  /** Randomness for fault injection. */
  readonly random?: () => number;
}

/** Batches are capped at ~4 MiB by senders; this leaves room for one oversized message. */
const MAX_MESSAGE_BODY = 64 * 1024 * 1024;
const MAX_SNAPSHOT_BODY = 1024 ** 3;

/**
 * Raft messages over HTTP/1.1: each peer gets batches POSTed as msgpack to
 * /raft/v1/messages (snapshots to /raft/v1/snapshot), through a keep-alive undici pool.
 * Faults can be switched at run time, in code or with PUT /raft/v1/faults.
 */
export class HttpTransport implements Transport {
  /** Counters for metrics; updated in place, never reset. */
  readonly stats: TransportStats = emptyStats();
  readonly faults: FaultInjector;
  private readonly log: Logger;
  private readonly server: Server;
  private readonly peers = new Map<NodeId, PeerSender>();
  /** Removed peers still closing, so stop() can wait for them too. */
  private readonly closingPeers = new Set<Promise<void>>();
  private messageHandler: (m: Message) => void = () => undefined;
  private unreachableHandler: (peer: NodeId) => void = () => undefined;
  private snapshotHandler: (peer: NodeId, ok: boolean) => void = () => undefined;
  private readonly roundTripListeners: ((peer: NodeId, ms: number) => void)[] = [];
  private address: AddressInfo | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly opts: HttpTransportOptions) {
    this.log = (opts.logger ?? silentLogger).child({ component: 'raft-transport', member: opts.id });
    this.faults = new FaultInjector(opts.random, () => [...this.peers.keys()]);
    const receiver = new PeerReceiver({
      id: opts.id,
      faults: this.faults,
      stats: this.stats,
      log: this.log,
      maxMessageBodyBytes: Math.min(MAX_MESSAGE_BODY, opts.maxBodyBytes ?? MAX_MESSAGE_BODY),
      maxSnapshotBodyBytes: opts.maxBodyBytes ?? MAX_SNAPSHOT_BODY,
      deliver: (m) => this.messageHandler(m),
      accepting: () => this.stopping === undefined,
    });
    this.server = createServer((req, res) => receiver.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
  }

  get url(): string {
    if (!this.address) throw new Error('transport not started');
    const host = this.address.family === 'IPv6' ? `[${this.address.address}]` : this.address.address;
    return `http://${host}:${this.address.port}`;
  }

  async start(): Promise<void> {
    if (this.stopping) throw new Error('transport stopped');
    if (this.address) return;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.address = this.server.address() as AddressInfo;
    this.log.info('raft transport listening', { url: this.url });
  }

  /** Starts sending to `id` at `url`; for a peer already known, the same as updatePeer. */
  addPeer(id: NodeId, url: string): void {
    if (this.stopping || id === this.opts.id) return;
    const existing = this.peers.get(id);
    if (existing) {
      existing.setUrl(url);
      return;
    }
    this.peers.set(
      id,
      new PeerSender({
        from: this.opts.id,
        to: id,
        url,
        maxQueued: this.opts.maxQueuedMessages ?? 4096,
        faults: this.faults,
        stats: this.stats,
        log: this.log,
        onUnreachable: (peer) => this.unreachableHandler(peer),
        onSnapshotStatus: (peer, ok) => this.snapshotHandler(peer, ok),
        onRoundTrip: (peer, ms) => {
          for (const l of this.roundTripListeners) l(peer, ms);
        },
      }),
    );
  }

  updatePeer(id: NodeId, url: string): void {
    this.addPeer(id, url);
  }

  /** Forgets `id`: its queue is dropped and its connections closed (in the background). */
  removePeer(id: NodeId): void {
    const sender = this.peers.get(id);
    if (!sender) return;
    this.peers.delete(id);
    const closing = sender.close();
    this.closingPeers.add(closing);
    void closing.then(() => this.closingPeers.delete(closing));
  }

  /** Where we send to `id`, if it is a peer. */
  peerUrl(id: NodeId): string | undefined {
    return this.peers.get(id)?.peerUrl;
  }

  send(messages: readonly Message[]): void {
    if (this.stopping) return;
    for (const m of messages) {
      const sender = this.peers.get(m.to);
      if (sender) sender.enqueue(m);
      else this.noRoute(m);
    }
  }

  onMessage(handler: (m: Message) => void): void {
    this.messageHandler = handler;
  }

  onUnreachable(handler: (peer: NodeId) => void): void {
    this.unreachableHandler = handler;
  }

  onSnapshotStatus(handler: (peer: NodeId, ok: boolean) => void): void {
    this.snapshotHandler = handler;
  }

  /** Observes each batch's round trip to a peer (etcd_network_peer_round_trip_time_seconds). */
  onRoundTrip(listener: (peer: NodeId, ms: number) => void): void {
    this.roundTripListeners.push(listener);
  }

  /** Closes the server and its keep-alive connections and every peer; idempotent, and concurrent calls share one stop. */
  stop(): Promise<void> {
    this.stopping ??= this.shutDown();
    return this.stopping;
  }

  private async shutDown(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    const peers = [...this.peers.values()];
    this.peers.clear();
    await Promise.all([closed, ...peers.map((p) => p.close()), ...this.closingPeers]);
    this.log.info('raft transport stopped');
  }

  /** A message for a member we have no URL for. Raft retransmits; only a snapshot needs an answer. */
  private noRoute(m: Message): void {
    this.log.debug('no peer for message', { to: m.to, type: m.type });
    if (m.type === 'snap') this.reportLostSnapshot(m);
  }

  private reportLostSnapshot(m: MsgSnap): void {
    queueMicrotask(() => {
      if (this.stopping) return;
      try {
        this.snapshotHandler(m.to, false);
      } catch (err) {
        this.log.error('the snapshot status handler threw', { peer: m.to, error: err });
      }
    });
  }
}
