import type { Logger } from '../../apiserver/log.js';
import type { ProxyMetrics } from '../metrics.js';
import { RoundRobinChooser } from '../round-robin.js';
import type { ServicePort } from '../service-ports.js';
import { PortListener } from './port-listener.js';

interface Proxied {
  readonly listener: PortListener;
  readonly chooser: RoundRobinChooser;
}

export interface UserspaceProxierOptions {
  readonly logger: Logger;
  readonly metrics: ProxyMetrics;
  readonly retryIntervalMs: number;
}

/**
 * The userspace proxy mode: one PortListener per TCP service port, keyed by clusterIP:port.
 * sync() makes the listeners match the service ports: new ports get a listener, changed
 * endpoints reach the chooser (new connections use the new set at once), ports that are gone
 * have their listener closed.
 */
export class UserspaceProxier {
  private readonly proxied = new Map<string, Proxied>();
  private readonly warnedUnsupported = new Set<string>();

  constructor(private readonly options: UserspaceProxierOptions) {
    options.metrics.listenerCounts = () => this.listenerCounts();
  }

  async sync(ports: readonly ServicePort[]): Promise<void> {
    const wanted = new Map<string, ServicePort>();
    for (const sp of ports) {
      if (sp.protocol !== 'TCP') {
        if (!this.warnedUnsupported.has(sp.name)) this.options.logger.warn('userspace mode forwards TCP only; skipping service port', { servicePort: sp.name, protocol: sp.protocol });
        this.warnedUnsupported.add(sp.name);
        continue;
      }
      wanted.set(`${sp.clusterIP}:${sp.port}`, sp);
    }
    const closing: Promise<void>[] = [];
    for (const [address, proxied] of this.proxied) {
      if (wanted.has(address)) continue;
      this.proxied.delete(address);
      closing.push(proxied.listener.close());
      this.options.logger.info('closed service port', { address });
    }
    for (const [address, sp] of wanted) {
      let proxied = this.proxied.get(address);
      if (!proxied) {
        const chooser = new RoundRobinChooser();
        const listener = new PortListener({
          address: sp.clusterIP,
          port: sp.port,
          servicePort: sp.name,
          chooser,
          logger: this.options.logger,
          metrics: this.options.metrics,
          retryIntervalMs: this.options.retryIntervalMs,
        });
        proxied = { listener, chooser };
        this.proxied.set(address, proxied);
        listener.start();
        this.options.logger.info('opened service port', { servicePort: sp.name, address, endpoints: sp.endpoints.length });
      }
      proxied.listener.rename(sp.name);
      proxied.chooser.setAffinity(sp.sessionAffinity, sp.affinityTimeoutSeconds * 1000);
      proxied.chooser.setEndpoints(sp.endpoints);
    }
    await Promise.all(closing);
  }

  /** The listener states by clusterIP:port (for /healthz details and tests). */
  states(): Record<string, string> {
    return Object.fromEntries([...this.proxied].map(([address, p]) => [address, p.listener.state]));
  }

  private listenerCounts(): { bound: number; waiting: number } {
    const counts = { bound: 0, waiting: 0 };
    for (const p of this.proxied.values()) if (p.listener.state === 'bound' || p.listener.state === 'waiting') counts[p.listener.state]++;
    return counts;
  }

  async close(): Promise<void> {
    const all = [...this.proxied.values()];
    this.proxied.clear();
    await Promise.all(all.map((p) => p.listener.close()));
  }
}
