import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Packr } from 'msgpackr';
import { request } from 'undici';
import { silentLogger, type Logger } from '@flotilla/raft';
import { EtcdError, httpStatusOf } from '../../errors/index.js';
import type { MemberMetrics } from '../../metrics/member-metrics.js';
import type { Member } from '../../server/member.js';
import type { WatchSessionOptions } from '../../watch/watch-session.js';
import { JsonFields } from './json-fields.js';
import { routes, type Route } from './routes.js';
import { serveWatch } from './watch-stream.js';
import { serveKeepAlive } from './keepalive-stream.js';
import { serveSnapshot } from './snapshot-stream.js';
import { serveHealth } from './health.js';
import { parseJsonBody } from './body-stream.js';

export interface GatewayOptions {
  readonly maxRequestBytes: number;
  readonly metrics: MemberMetrics;
  /** How watch streams behave; shared with gRPC's Watch. */
  readonly watch: WatchSessionOptions;
  readonly logger?: Logger;
}

const msgpack = new Packr({ useRecords: false });

/**
 * etcd's HTTP/JSON gateway on the client URL (the /v3 API, /v3beta as an alias), with
 * /health, /livez, /readyz, /version and /metrics. Bodies are proto3 JSON, or msgpack with
 * the same shapes when the request says application/msgpack. Errors come back as the
 * 3.4 gateway sends them: {"error", "message", "code"} with the matching HTTP status.
 * It listens on nothing itself: the client URL's listener hands it HTTP/1.1 connections.
 */
export class Gateway {
  /** The HTTP/1.1 server that connections are handed to (it is never listening). */
  readonly server: Server;
  private readonly log: Logger;

  constructor(
    private readonly member: Member,
    private readonly opts: GatewayOptions,
  ) {
    this.log = (opts.logger ?? silentLogger).child({ component: 'gateway' });
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: Error) => this.fail(res, err, false));
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [name, value] of CORS_HEADERS) res.setHeader(name, value);
    if (req.method === 'OPTIONS') {
      res.writeHead(200, { 'content-length': 0 });
      res.end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://gateway');
    const path = url.pathname.replace(/^\/v3beta\//, '/v3/');
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': this.opts.metrics.registry.contentType });
      res.end(await this.opts.metrics.registry.metrics());
      return;
    }
    if (path === '/version') return reply(res, 200, { etcdserver: '3.4.0', etcdcluster: '3.4.0' }, false);
    if (path === '/health' || path === '/livez' || path === '/readyz' || path.startsWith('/readyz/') || path.startsWith('/livez/')) {
      return serveHealth(this.member, path, url.searchParams, req.method ?? 'GET', res);
    }
    if (!path.startsWith('/v3/')) return plainText(res, 404, '404 page not found');
    const streams = path === '/v3/watch' || path === '/v3/lease/keepalive' || path === '/v3/maintenance/snapshot';
    const route: Route | undefined = routes[path];
    if (!route && !streams) return plainText(res, 404, 'Not Found');
    if (req.method !== 'POST') return plainText(res, 405, 'Method Not Allowed');
    const binary = (req.headers['content-type'] ?? '').includes('application/msgpack');
    // Base64 inflates bytes by a third; the exact limit is checked on the proposal itself.
    const limit = Math.ceil((this.opts.maxRequestBytes * 4) / 3) + 512 * 1024;
    if (path === '/v3/watch') return this.serveWatch(req, res, binary, limit);
    if (path === '/v3/lease/keepalive') return serveKeepAlive(this.member, req, res, binary, limit);
    if (path === '/v3/maintenance/snapshot') {
      req.resume();
      return serveSnapshot(this.member, res, binary);
    }
    const raw = await readBody(req, limit);
    let parsed: unknown;
    try {
      parsed = raw.length === 0 ? {} : binary ? msgpack.unpack(raw) : parseJsonBody(raw);
    } catch (err) {
      throw err instanceof EtcdError ? err : EtcdError.badRequest(`invalid msgpack: ${(err as Error).message}`);
    }
    const body = JsonFields.of(parsed);
    if (route!.leaderOnly && !this.member.raft.isLeader) return this.forwardToLeader(path, raw, req, res);
    try {
      reply(res, 200, await route!.handle(this.member, body), binary);
    } catch (err) {
      if (!(err instanceof EtcdError)) this.opts.metrics.proposalsFailed.inc();
      this.fail(res, err as Error, binary);
    }
  }

  private serveWatch(req: IncomingMessage, res: ServerResponse, binary: boolean, limit: number): void {
    const m = this.opts.metrics;
    m.watchStreams.inc();
    res.on('close', () => m.watchStreams.dec());
    serveWatch(this.member, req, res, binary, limit, this.opts.watch);
  }

  /** Lease TTLs are the leader's business: pass them on, as etcd's followers do. */
  private async forwardToLeader(path: string, raw: Buffer, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const upstream = await request(`${this.member.leaderClientUrl()}${path}`, { method: 'POST', body: raw, headers: { 'content-type': req.headers['content-type'] ?? 'application/json' } });
    const text = Buffer.from(await upstream.body.arrayBuffer());
    res.writeHead(upstream.statusCode, { 'content-type': String(upstream.headers['content-type'] ?? 'application/json') });
    res.end(text);
  }

  private fail(res: ServerResponse, err: Error, binary: boolean): void {
    if (!(err instanceof EtcdError)) {
      this.log.error('request failed', { err });
      err = new EtcdError('BadRequest', err.message, 13);
    }
    const e = err as EtcdError;
    if (res.headersSent) {
      res.end();
      return;
    }
    reply(res, httpStatusOf(e.grpcCode), { error: e.message, message: e.message, code: e.grpcCode }, binary);
  }
}

/** etcd's client URL answers every origin (its --cors default). */
const CORS_HEADERS: [string, string][] = [
  ['access-control-allow-headers', 'accept, content-type, authorization'],
  ['access-control-allow-methods', 'POST, GET, OPTIONS, PUT, DELETE'],
  ['access-control-allow-origin', '*'],
];

/** Go's http.Error: the status text as plain text, for requests no API route matches. */
function plainText(res: ServerResponse, status: number, text: string): void {
  const body = `${text}\n`;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function reply(res: ServerResponse, status: number, body: unknown, binary: boolean): void {
  const payload = binary ? msgpack.pack(body) : Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': binary ? 'application/msgpack' : 'application/json', 'content-length': payload.byteLength });
  res.end(payload);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.byteLength;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new EtcdError('RequestTooLarge'));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

