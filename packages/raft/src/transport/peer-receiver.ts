import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Message, NodeId } from '../core/index.js';
import type { Logger } from '../logger.js';
import { BodyAbortedError, BodyTooLargeError, readBody } from './body-reader.js';
import { CodecError, decodeMessages, decodeSnapshot } from './codec.js';
import { FaultConfigError, type FaultInjector } from './fault-injector.js';
import { FAULTS_PATH, MESSAGES_PATH, SNAPSHOT_PATH, type TransportStats } from './transport.js';

export interface PeerReceiverOptions {
  readonly id: NodeId;
  readonly faults: FaultInjector;
  readonly stats: TransportStats;
  readonly log: Logger;
  /** Largest batch body accepted on /raft/v1/messages. */
  readonly maxMessageBodyBytes: number;
  /** Largest snapshot body accepted on /raft/v1/snapshot. */
  readonly maxSnapshotBodyBytes: number;
  /** Hands a message to the Raft driver. May throw; the peer is then answered 500. */
  readonly deliver: (m: Message) => void;
  /** False once the transport is stopping: nothing more is delivered. */
  readonly accepting: () => boolean;
}

/** A request the server answers with an HTTP error status and a plain-text reason. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const MAX_FAULTS_BODY = 64 * 1024;

/**
 * The server side of the transport: batches and snapshots from peers, and the fault
 * switch for the chaos tool. Every failure is mapped to a status once, in `handle`, so a
 * bad request (or a throwing driver) never takes the process down.
 */
export class PeerReceiver {
  constructor(private readonly opts: PeerReceiverOptions) {}

  handle(req: IncomingMessage, res: ServerResponse): void {
    this.route(req, res).then(
      () => undefined,
      (err: unknown) => this.fail(req, res, err),
    );
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    const method = req.method ?? '';
    if (path === MESSAGES_PATH && method === 'POST') return this.receiveBatch(req, res);
    if (path === SNAPSHOT_PATH && method === 'POST') return this.receiveSnapshot(req, res);
    if (path === FAULTS_PATH && method === 'GET') return replyJson(res, 200, this.opts.faults.snapshot());
    if (path === FAULTS_PATH && method === 'PUT') return this.putFaults(req, res);
    if (path === MESSAGES_PATH || path === SNAPSHOT_PATH || path === FAULTS_PATH) throw new HttpError(405, `${method} is not allowed on ${path}`);
    throw new HttpError(404, `no route for ${method} ${path}`);
  }

  private async receiveBatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, this.opts.maxMessageBodyBytes);
    const messages = decodeMessages(body);
    this.opts.stats.bytesReceived += body.byteLength;
    let failed = 0;
    for (const m of messages) {
      if (!this.admit(m)) continue;
      try {
        this.opts.deliver(m);
      } catch (err) {
        failed++;
        this.opts.log.error('the message handler threw', { from: m.from, type: m.type, error: err });
      }
    }
    if (failed > 0) throw new HttpError(500, `the handler failed on ${failed} of ${messages.length} messages`);
    reply(res, 204, '');
  }

  private async receiveSnapshot(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, this.opts.maxSnapshotBodyBytes);
    const snap = decodeSnapshot(body);
    this.opts.stats.bytesReceived += body.byteLength;
    // The sender reports the outcome to its Raft, so unlike a lost batch a snapshot that
    // is not delivered must not be answered 204.
    if (snap.to !== this.opts.id) throw new HttpError(400, `snapshot for ${snap.to} sent to ${this.opts.id}`);
    if (!this.admit(snap)) throw new HttpError(503, `not accepting a snapshot from ${snap.from}`);
    this.opts.stats.snapshotsReceived++;
    this.opts.log.info('received a snapshot', { from: snap.from, index: snap.snapshot.metadata.index, bytes: snap.snapshot.data.byteLength });
    this.opts.deliver(snap);
    reply(res, 204, '');
  }

  /** Whether `m` goes on to the driver: addressed here, not cut off by a fault, not stopping. */
  private admit(m: Message): boolean {
    if (m.to !== this.opts.id) {
      this.opts.log.debug('ignored a message for another member', { to: m.to, from: m.from, type: m.type });
      return false;
    }
    if (this.opts.faults.shouldDropIncoming(m.from)) {
      this.opts.stats.droppedByFault++;
      return false;
    }
    if (!this.opts.accepting()) return false;
    this.opts.stats.messagesReceived++;
    return true;
  }

  private async putFaults(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = (await readBody(req, MAX_FAULTS_BODY)).toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new FaultConfigError(`body is not valid JSON: ${(err as Error).message}`);
    }
    const now = this.opts.faults.update(parsed);
    this.opts.log.warn('faults changed', { faults: now });
    replyJson(res, 200, now);
  }

  /** The one place failures become HTTP statuses. */
  private fail(req: IncomingMessage, res: ServerResponse, err: unknown): void {
    if (err instanceof BodyAbortedError) {
      this.opts.log.debug('a peer aborted its request', { url: req.url });
      return;
    }
    if (err instanceof BodyTooLargeError) {
      this.opts.log.warn('refused an oversized body', { url: req.url, limit: err.limit });
      // The rest of the body is not worth reading: answer, then drop the connection.
      res.setHeader('connection', 'close');
      reply(res, 413, err.message, () => req.destroy());
      return;
    }
    if (err instanceof CodecError || err instanceof FaultConfigError) {
      this.opts.log.warn('rejected a bad request', { url: req.url, error: err.message });
      reply(res, 400, err.message);
      return;
    }
    if (err instanceof HttpError) {
      if (err.status >= 500) this.opts.log.warn('failed a request', { url: req.url, status: err.status, error: err.message });
      reply(res, err.status, err.message);
      return;
    }
    this.opts.log.error('request failed', { url: req.url, error: err });
    reply(res, 500, `internal error: ${(err as Error)?.message ?? String(err)}`);
  }
}

function reply(res: ServerResponse, status: number, text: string, done?: () => void): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (status === 204) {
    res.writeHead(204);
    res.end(done);
    return;
  }
  const body = `${text}\n`;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body, done);
}

function replyJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
