import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeProxy } from './kube-proxy.js';

/**
 * kube-proxy's own endpoints beside /metrics and /healthz: /iptables (the iptables-save rules
 * for the current services) and /listeners (the userspace listeners' states, JSON).
 */
export function proxyRoutes(proxy: KubeProxy): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (path === '/iptables') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(proxy.iptablesRules());
      return true;
    }
    if (path === '/listeners') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(proxy.listenerStates()) + '\n');
      return true;
    }
    return false;
  };
}
