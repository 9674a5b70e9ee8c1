import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A named health check: true when healthy, or a string saying what is wrong. */
export type HealthCheck = () => boolean | string;

export interface ComponentServerOptions {
  readonly bindAddress: string;
  readonly port: number;
  readonly registry: Registry;
  /** Checked by /healthz and /livez. */
  readonly liveness?: Readonly<Record<string, HealthCheck>>;
  /** Checked by /readyz (with the liveness checks). */
  readonly readiness?: Readonly<Record<string, HealthCheck>>;
  /** The component's own endpoints: answer true when the request was handled. */
  readonly routes?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
}

/** A component's plain-HTTP endpoint for Prometheus and health probes. */
export interface ComponentServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves /metrics (the component's own registry), /healthz, /livez and /readyz in the apiserver's
 * style: "ok", or 500 with a "[-]check failed: reason" line per failing check; ?verbose lists all.
 */
export async function startComponentServer(options: ComponentServerOptions): Promise<ComponentServer> {
  const server = createServer((req, res) => {
    void handle(options, req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`internal error: ${(err as Error).message}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.bindAddress, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(options: ComponentServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://component');
  if (url.pathname === '/metrics') {
    const body = await options.registry.metrics();
    res.writeHead(200, { 'content-type': options.registry.contentType });
    res.end(body);
    return;
  }
  if (url.pathname === '/healthz' || url.pathname === '/livez' || url.pathname === '/readyz') {
    const checks = { ping: () => true, ...options.liveness, ...(url.pathname === '/readyz' ? options.readiness : {}) };
    const results = Object.entries(checks).map(([name, check]) => ({ name, result: check() }));
    const failed = results.filter((r) => r.result !== true);
    const lines = results.filter((r) => url.searchParams.has('verbose') || r.result !== true).map((r) => (r.result === true ? `[+]${r.name} ok` : `[-]${r.name} failed: ${r.result === false ? 'reason withheld' : r.result}`));
    res.writeHead(failed.length ? 500 : 200, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
    res.end(failed.length || url.searchParams.has('verbose') ? `${lines.join('\n')}\n${url.pathname.slice(1)} check ${failed.length ? 'failed' : 'passed'}\n` : 'ok');
    return;
  }
  if (options.routes && (await options.routes(req, res))) return;
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('404 page not found\n');
}
