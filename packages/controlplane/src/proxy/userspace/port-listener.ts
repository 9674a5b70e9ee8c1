import { type Server, type Socket, connect, createServer } from 'node:net';
import type { Logger } from '../../apiserver/log.js';
import type { ProxyMetrics } from '../metrics.js';
import type { RoundRobinChooser } from '../round-robin.js';
import { endpointText } from '../service-ports.js';

export type ListenerState = 'binding' | 'bound' | 'waiting' | 'closed';

export interface PortListenerOptions {
  readonly address: string;
  readonly port: number;
  /** The service port's name, for logs and metric labels. */
  readonly servicePort: string;
  readonly chooser: RoundRobinChooser;
  readonly logger: Logger;
  readonly metrics: ProxyMetrics;
  /** How often to try again to bind an address another process holds. */
  readonly retryIntervalMs: number;
  /** How long one dial to an endpoint may take before the next endpoint is tried. */
  readonly dialTimeoutMs?: number;
}

/**
 * One service port in userspace mode: a TCP listener on clusterIP:port that connects each
 * accepted connection to an endpoint the chooser picks and copies bytes both ways. A dial an
 * endpoint refuses is tried on the next one, so a dead endpoint that is still listed costs a
 * retry, not the connection.
 *
 * Several proxies share a machine (one per worker), so an address already in use is expected:
 * the listener waits, tries again every retryIntervalMs, and takes over when the other lets go.
 */
export class PortListener {
  private server: Server | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly connections = new Set<Socket>();
  private current: ListenerState = 'binding';
  private servicePort: string;

  constructor(private readonly options: PortListenerOptions) {
    this.servicePort = options.servicePort;
  }

  get state(): ListenerState {
    return this.current;
  }

  /** The service port this listener now serves (a service can be renamed under the same address). */
  rename(servicePort: string): void {
    if (servicePort === this.servicePort) return;
    const state = this.current;
    this.setState('binding');
    this.servicePort = servicePort;
    this.setState(state);
  }

  start(): void {
    this.bind();
  }

  async close(): Promise<void> {
    this.setState('closed');
    clearTimeout(this.retryTimer);
    for (const socket of this.connections) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server?.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private setState(state: ListenerState): void {
    const labels = { service_port: this.servicePort, address: `${this.options.address}:${this.options.port}` };
    if (state === 'waiting') this.options.metrics.listenerWaiting.set(labels, 1);
    else this.options.metrics.listenerWaiting.remove(labels);
    this.current = state;
  }

  private bind(): void {
    if (this.current === 'closed') return;
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => this.forward(socket));
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (this.current === 'closed') return;
      const log = this.current === 'waiting' ? this.options.logger.debug : this.options.logger.warn;
      log(err.code === 'EADDRINUSE' ? 'service port is bound by another process on this machine; will retry' : 'cannot bind service port; will retry', {
        servicePort: this.servicePort,
        address: `${this.options.address}:${this.options.port}`,
        error: err.code ?? err.message,
      });
      this.setState('waiting');
      this.retryTimer = setTimeout(() => this.bind(), this.options.retryIntervalMs);
    });
    server.listen({ host: this.options.address, port: this.options.port, exclusive: true }, () => {
      if (this.current === 'closed') {
        server.close();
        return;
      }
      if (this.current === 'waiting') this.options.logger.info('took over service port', { servicePort: this.servicePort, address: `${this.options.address}:${this.options.port}` });
      this.server = server;
      this.setState('bound');
    });
  }

  /** Connects one accepted connection to an endpoint, trying the next on a failed dial. */
  private forward(client: Socket): void {
    this.connections.add(client);
    client.once('close', () => this.connections.delete(client));
    client.on('error', () => client.destroy());
    const clientIp = client.remoteAddress ?? '';
    const tried = new Set<string>();
    const dialNext = () => {
      if (client.destroyed) return;
      const endpoint = this.options.chooser.next(clientIp, Date.now(), tried);
      if (!endpoint) {
        this.options.metrics.connectionsFailed.inc({ service_port: this.servicePort });
        this.options.logger.debug('no endpoint took the connection', { servicePort: this.servicePort, tried: [...tried] });
        client.destroy();
        return;
      }
      tried.add(endpointText(endpoint));
      const backend = connect({ host: endpoint.ip, port: endpoint.port, allowHalfOpen: true, timeout: this.options.dialTimeoutMs ?? 2_000 });
      const failDial = (reason: string) => {
        backend.destroy();
        this.options.metrics.endpointDialFailures.inc({ service_port: this.servicePort });
        this.options.logger.debug('endpoint dial failed; trying the next', { servicePort: this.servicePort, endpoint: endpointText(endpoint), reason });
        dialNext();
      };
      backend.once('timeout', () => failDial('timeout'));
      backend.once('error', (err: NodeJS.ErrnoException) => failDial(err.code ?? err.message));
      backend.once('connect', () => {
        backend.removeAllListeners('timeout').removeAllListeners('error');
        backend.setTimeout(0);
        this.options.metrics.connectionsForwarded.inc({ service_port: this.servicePort });
        this.connections.add(backend);
        backend.once('close', (hadError) => {
          this.connections.delete(backend);
          // A clean close has ended the client's side through the pipe; let that flush.
          if (hadError || !client.writableEnded) client.destroy();
        });
        backend.on('error', () => backend.destroy());
        client.once('close', () => backend.destroy());
        client.pipe(backend);
        backend.pipe(client);
        client.resume();
      });
    };
    dialNext();
  }
}
