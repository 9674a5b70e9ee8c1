import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { silentLogger, type Logger } from '@flotilla/raft';
import type { MemberMetrics } from '../metrics/member-metrics.js';
import type { Member } from '../server/member.js';
import type { WatchSessionOptions } from '../watch/watch-session.js';
import { Gateway } from './gateway/gateway.js';
import { addEtcdServices } from './grpc/etcd-services.js';
import { withRepairedAuthority } from './grpc/authority-rewriter.js';

export interface ClientServerOptions {
  readonly host: string;
  readonly port: number;
  readonly maxRequestBytes: number;
  readonly metrics: MemberMetrics;
  /** etcd's --experimental-watch-progress-notify-interval (default 10 minutes). */
  readonly watchProgressNotifyIntervalMs?: number;
  readonly logger?: Logger;
}

/** Every HTTP/2 connection opens with this preface; no HTTP/1.1 request line starts with "PRI ". */
const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
/** gRPC lets a request carry this much more than --max-request-bytes (etcd's grpcOverheadBytes). */
const GRPC_OVERHEAD_BYTES = 512 * 1024;

/**
 * One client URL serving two protocols, as etcd's does: etcd's gRPC API (plaintext HTTP/2)
 * and the HTTP/1.1 JSON gateway with /health, /metrics and the rest. Each connection is
 * told apart by its first bytes and handed to the gRPC server or to the gateway.
 */
export class ClientServer {
  private readonly listener: Server;
  private readonly gateway: Gateway;
  private readonly grpcServer: grpc.Server;
  private readonly injectGrpc: (socket: Socket) => void;
  private readonly sockets = new Set<Socket>();

  constructor(member: Member, private readonly opts: ClientServerOptions) {
    const m = opts.metrics;
    const watch: WatchSessionOptions = {
      progressIntervalMs: opts.watchProgressNotifyIntervalMs ?? 10 * 60_000,
      // etcd splits fragmented responses past the request limit plus gRPC's overhead allowance.
      fragmentBytes: opts.maxRequestBytes + GRPC_OVERHEAD_BYTES,
      onWatcherCount: (delta) => m.watchers.inc(delta),
      onSlow: (delta) => m.slowWatchers.inc(delta),
    };
    const logger = opts.logger ?? silentLogger;
    this.gateway = new Gateway(member, { maxRequestBytes: opts.maxRequestBytes, metrics: m, watch, logger });
    this.grpcServer = new grpc.Server({
      'grpc.max_receive_message_length': opts.maxRequestBytes + GRPC_OVERHEAD_BYTES,
      'grpc.max_send_message_length': -1,
    });
    addEtcdServices(this.grpcServer, member, { ...watch, logger, onInternalError: () => m.proposalsFailed.inc() });
    const injector = this.grpcServer.createConnectionInjector(grpc.ServerCredentials.createInsecure());
    this.injectGrpc = (socket) => injector.injectConnection(withRepairedAuthority(socket));
    this.listener = createServer((socket) => this.route(socket));
  }

  /** Listens; resolves with the URL actually bound (the port may have been 0). */
  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen(this.opts.port, this.opts.host, () => resolve());
    });
    const a = this.listener.address() as AddressInfo;
    return `http://${a.address}:${a.port}`;
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.listener.close(() => resolve()));
    this.grpcServer.forceShutdown();
    this.gateway.server.closeAllConnections();
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  /** Reads the first bytes, puts them back, and hands the connection to the protocol they name. */
  private route(socket: Socket): void {
    // As Go's net package (so etcd) does: each response leaves at once, instead of waiting
    // for the client's delayed ACK of the previous segment (Nagle), ~40 ms on every call.
    socket.setNoDelay(true);
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.once('error', () => socket.destroy());
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      const compared = Math.min(seen.byteLength, HTTP2_PREFACE.byteLength);
      const http2 = seen.subarray(0, compared).equals(HTTP2_PREFACE.subarray(0, compared));
      // A short first read that still matches the preface: wait for more before deciding.
      if (http2 && compared < HTTP2_PREFACE.byteLength) return;
      socket.off('data', onData);
      socket.pause();
      socket.unshift(seen);
      if (http2) {
        this.injectGrpc(socket);
      } else {
        this.gateway.server.emit('connection', socket);
        // The HTTP/1.1 server reads what is buffered only from a flowing socket.
        socket.resume();
      }
    };
    socket.on('data', onData);
  }
}
