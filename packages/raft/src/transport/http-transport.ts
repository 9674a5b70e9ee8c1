import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Message, NodeId } from '../core/index.js';
import { silentLogger, type Logger } from '../logger.js';
import { CodecError, decodeMessages } from './codec.js';
import { FaultConfigError, FaultInjector, NO_FAULTS, validateFaults } from './fault-injector.js';
import { PeerSender } from './peer-sender.js';
import { FAULTS_PATH, MESSAGES_PATH, SNAPSHOT_PATH, emptyStats, type Transport, type TransportStats } from './transport.js';

export interface HttpTransportOptions {
  readonly id: NodeId;
  readonly host: string;
  /** 0 lets the OS choose. */
  readonly port: number;
  readonly logger?: Logger;
  /** Messages queued per peer before new ones are dropped. Default 4096. */
  readonly maxQueuedMessages?: number;
  /** Largest request body accepted (snapshots included). Default 1 GiB. */
  readonly maxBodyBytes?: number;
  /** Randomness for fault injection. */
  readonly random?: () => number;
}

const MAX_MESSAGE_BODY = 64 * 1024 * 1024;

/**
 * Raft messages over HTTP/1.1: each peer gets batches POSTed as msgpack to
 * /raft/v1/messages (snapshots to /raft/v1/snapshot), through a keep-alive undici pool.
 * Faults can be switched at run time, in code or with PUT /raft/v1/faults.
 */
export class HttpTransport implements Transport {
  readonly stats: TransportStats = emptyStats();
  readonly faults: FaultInjector;
  private readonly log: Logger;
  private readonly server: Server;
  private readonly peers = new Map<NodeId, PeerSender>();
  private messageHandler: (m: Message) => void = () => undefined;
  private unreachableHandler: (peer: NodeId) => void = () => undefined;
  private snapshotHandler: (peer: NodeId, ok: boolean) => void = () => undefined;
  private readonly roundTripListeners: ((peer: NodeId, ms: number) => void)[] = [];
  private address: AddressInfo | undefined;
  private stopped = false;

  constructor(private readonly opts: HttpTransportOptions) {
    this.log = (opts.logger ?? silentLogger).child({ component: 'raft-transport', member: opts.id });
    this.faults = new FaultInjector(opts.random, () => [...this.peers.keys()]);
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
  }

  get url(): string {
    if (!this.address) throw new Error('transport not started');
    const host = this.address.family === 'IPv6' ? `[${this.address.address}]` : this.address.address;
    return `http://${host}:${this.address.port}`;
  }

  async start(): Promise<void> {
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

  addPeer(id: NodeId, url: string): void {
    if (this.stopped || id === this.opts.id) return;
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

  removePeer(id: NodeId): void {
    const sender = this.peers.get(id);
    if (!sender) return;
    this.peers.delete(id);
    void sender.close();
  }

  peerUrl(id: NodeId): string | undefined {
    return this.peers.get(id)?.peerUrl;
  }

  send(messages: readonly Message[]): void {
    if (this.stopped) return;
    for (const m of messages) {
      const sender = this.peers.get(m.to);
      if (sender) sender.enqueue(m);
      else this.log.debug('no peer for message', { to: m.to, type: m.type });
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

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await Promise.all([...this.peers.values()].map((p) => p.close()));
    this.peers.clear();
    await closed;
  }

  // ---- the server side ------------------------------------------------------------------

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0];
    if (path === MESSAGES_PATH && req.method === 'POST') void this.receive(req, res, MAX_MESSAGE_BODY, false);
    else if (path === SNAPSHOT_PATH && req.method === 'POST') void this.receive(req, res, this.opts.maxBodyBytes ?? 1024 ** 3, true);
    else if (path === FAULTS_PATH && req.method === 'GET') reply(res, 200, JSON.stringify(this.faults.snapshot()), 'application/json');
    else if (path === FAULTS_PATH && req.method === 'PUT') void this.putFaults(req, res);
    else reply(res, 404, `no route for ${req.method} ${path}\n`);
  }

  private async receive(req: IncomingMessage, res: ServerResponse, limit: number, snapshot: boolean): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(req, limit);
    } catch (err) {
      reply(res, 413, `${(err as Error).message}\n`);
      return;
    }
    let messages: Message[];
    try {
      messages = decodeMessages(body);
    } catch (err) {
      if (!(err instanceof CodecError)) throw err;
      this.log.warn('rejected a malformed message batch', { error: err.message });
      reply(res, 400, `${err.message}\n`);
      return;
    }
    this.stats.bytesReceived += body.byteLength;
    if (snapshot) this.stats.snapshotsReceived++;
    for (const m of messages) {
      if (m.to !== this.opts.id) {
        this.log.debug('ignored a message for another member', { to: m.to, type: m.type });
        continue;
      }
      if (this.faults.shouldDropIncoming(m.from)) {
        this.stats.droppedByFault++;
        continue;
      }
      this.stats.messagesReceived++;
      this.messageHandler(m);
    }
    reply(res, 204, '');
  }

  private async putFaults(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const text = (await readBody(req, 64 * 1024)).toString('utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new FaultConfigError('body is not valid JSON');
      }
      if (typeof parsed === 'object' && parsed !== null && (parsed as { heal?: unknown }).heal === true) {
        this.faults.heal();
      } else {
        this.faults.set(validateFaults({ ...NO_FAULTS, ...this.faults.snapshot(), ...(parsed as object) }));
      }
      this.log.warn('faults changed', { faults: this.faults.snapshot() });
      reply(res, 200, JSON.stringify(this.faults.snapshot()), 'application/json');
    } catch (err) {
      reply(res, 400, `${(err as Error).message}\n`);
    }
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        req.destroy();
        reject(new Error(`body larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: string, type = 'text/plain'): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
