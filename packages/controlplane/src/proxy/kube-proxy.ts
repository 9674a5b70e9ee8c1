import type { Logger } from '../apiserver/log.js';
import { type Informer, Resources, type RestClient, SharedInformerFactory } from '../client/index.js';
import type { KubeObject } from '../api/object.js';
import { iptablesRules } from './iptables/iptables-rules.js';
import { ProxyMetrics } from './metrics.js';
import { type ServicePort, servicePortsOf } from './service-ports.js';
import { UserspaceProxier } from './userspace/userspace-proxier.js';

/**
 * userspace: this process listens on each ClusterIP:port and forwards connections.
 * iptables: the rules are computed and served (GET /iptables) but not applied (that needs root).
 */
export type ProxyMode = 'userspace' | 'iptables';

export interface KubeProxyOptions {
  readonly client: RestClient;
  /** The node this proxy runs for (--hostname-override), for logs. */
  readonly hostname: string;
  readonly mode: ProxyMode;
  readonly logger: Logger;
  /** How often a service port held by another process is tried again (default 5 s). */
  readonly listenerRetryIntervalMs?: number;
}

/**
 * kube-proxy: informers on Services and Endpoints; every change schedules a sync that turns
 * them into service ports (a pure function) and hands those to the proxy mode. Syncs never
 * overlap: changes that arrive during one are folded into the next.
 */
export class KubeProxy {
  readonly metrics = new ProxyMetrics();
  private readonly factory: SharedInformerFactory;
  private readonly services: Informer<KubeObject>;
  private readonly endpoints: Informer<KubeObject>;
  private readonly userspace: UserspaceProxier | undefined;
  private ports: readonly ServicePort[] = [];
  private dirty = false;
  private syncing: Promise<void> | undefined;
  private stopped = false;
  private syncedOnce = false;

  constructor(private readonly options: KubeProxyOptions) {
    this.factory = new SharedInformerFactory(options.client, { logger: options.logger });
    this.services = this.factory.informerFor(Resources.services);
    this.endpoints = this.factory.informerFor(Resources.endpoints);
    if (options.mode === 'userspace') {
      this.userspace = new UserspaceProxier({ logger: options.logger, metrics: this.metrics, retryIntervalMs: options.listenerRetryIntervalMs ?? 5_000 });
    }
    const changed = { onAdd: () => this.requestSync(), onUpdate: () => this.requestSync(), onDelete: () => this.requestSync() };
    this.services.addEventHandler(changed);
    this.endpoints.addEventHandler(changed);
  }

  /**
   * Starts the informers and resolves after the first sync from complete caches (or at stop).
   * An apiserver that is not there yet is waited for: the informers keep retrying.
   */
  async start(): Promise<void> {
    this.factory.start();
    for (;;) {
      try {
        await this.factory.waitForSync(10_000);
        break;
      } catch (err) {
        this.options.logger.warn('waiting for the services and endpoints caches to sync', { error: (err as Error).message });
      }
    }
    if (this.stopped) return;
    this.requestSync();
    await this.syncing;
    this.options.logger.info('kube-proxy synced', { hostname: this.options.hostname, mode: this.options.mode, servicePorts: this.ports.length });
  }

  /** True once a sync has run from synced caches. */
  get healthy(): boolean {
    return this.syncedOnce && !this.stopped;
  }

  /** The service ports of the last sync. */
  get servicePorts(): readonly ServicePort[] {
    return this.ports;
  }

  /** The iptables-save text for the last sync's service ports. */
  iptablesRules(): string {
    return iptablesRules(this.ports);
  }

  /** The userspace listeners' states by clusterIP:port (empty in iptables mode). */
  listenerStates(): Record<string, string> {
    return this.userspace?.states() ?? {};
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.factory.stop();
    await this.syncing;
    await this.userspace?.close();
  }

  private requestSync(): void {
    if (this.stopped || !this.services.hasSynced() || !this.endpoints.hasSynced()) return;
    this.dirty = true;
    this.syncing ??= this.syncLoop();
  }

  // The loop's last check of `dirty` and the reset of `syncing` run in one turn, so a change
  // requested in between cannot be lost (the first await comes before either).
  private async syncLoop(): Promise<void> {
    await Promise.resolve();
    try {
      while (this.dirty && !this.stopped) await this.syncOnce();
    } finally {
      this.syncing = undefined;
    }
  }

  private async syncOnce(): Promise<void> {
    this.dirty = false;
    const started = process.hrtime.bigint();
    try {
      this.ports = servicePortsOf(this.services.store.list(), this.endpoints.store.list());
      await this.userspace?.sync(this.ports);
      this.metrics.syncDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
      this.metrics.syncLastTimestamp.set(Date.now() / 1000);
      const withEndpoints = this.ports.filter((p) => p.endpoints.length > 0).length;
      this.metrics.servicePorts.set({ endpoints: 'some' }, withEndpoints);
      this.metrics.servicePorts.set({ endpoints: 'none' }, this.ports.length - withEndpoints);
      this.syncedOnce = true;
    } catch (err) {
      this.options.logger.error('sync of proxy rules failed', { error: String((err as Error)?.stack ?? err) });
    }
  }
}
