import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeProxy } from './kube-proxy.js';

/**
 * kube-proxy's plain-HTTP endpoints: /metrics (Prometheus), /healthz (200 once a sync has run
 * from synced caches, 503 before), /iptables (the iptables-save rules for the current
 * services) and /listeners (the userspace listeners' states, JSON). Anything else is 404.
 */
export class ProxyStatusServer {
  private constructor(private readonly server: Server) {}

  static async start(proxy: KubeProxy, bindAddress: string, port: number): Promise<ProxyStatusServer> {
    const server = createServer((req, res) => void serve(proxy, req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, bindAddress, () => resolve());
    });
    return new ProxyStatusServer(server);
  }

  get address(): { address: string; port: number } {
    const a = this.server.address() as AddressInfo;
    return { address: a.address, port: a.port };
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

async function serve(proxy: KubeProxy, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://proxy').pathname;
  const text = (code: number, body: string, type = 'text/plain; charset=utf-8') => {
    res.writeHead(code, { 'content-type': type });
    res.end(body);
  };
  try {
    if (req.method !== 'GET' && req.method !== 'HEAD') return text(405, 'method not allowed\n');
    switch (path) {
      case '/metrics':
        return text(200, await proxy.metrics.registry.metrics(), proxy.metrics.registry.contentType);
      case '/healthz':
      case '/livez':
        return proxy.healthy ? text(200, 'ok') : text(503, 'not synced');
      case '/iptables':
        return text(200, proxy.iptablesRules());
      case '/listeners':
        return text(200, JSON.stringify(proxy.listenerStates()) + '\n', 'application/json');
      default:
        return text(404, '404 page not found\n');
    }
  } catch (err) {
    text(500, `${(err as Error)?.message ?? String(err)}\n`);
  }
}
