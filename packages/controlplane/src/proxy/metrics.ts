import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * kube-proxy's Prometheus metrics, the sync metrics named as Kubernetes names them. One registry
 * per proxy: several proxies run in one test process, and on one machine one per worker.
 */
export class ProxyMetrics {
  readonly registry = new Registry();

  readonly syncDuration = new Histogram({
    name: 'kubeproxy_sync_proxy_rules_duration_seconds',
    help: 'SyncProxyRules latency in seconds',
    buckets: [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192, 16.384],
    registers: [this.registry],
  });

  readonly syncLastTimestamp = new Gauge({
    name: 'kubeproxy_sync_proxy_rules_last_timestamp_seconds',
    help: 'The last time proxy rules were successfully synced',
    registers: [this.registry],
  });

  readonly servicePorts = new Gauge({
    name: 'kubeproxy_service_ports',
    help: 'Service ports with a cluster IP this proxy implements, by whether they have ready endpoints',
    labelNames: ['endpoints'] as const,
    registers: [this.registry],
  });

  readonly connectionsForwarded = new Counter({
    name: 'kubeproxy_userspace_connections_forwarded_total',
    help: 'Connections accepted on a service port and connected to an endpoint, by service port',
    labelNames: ['service_port'] as const,
    registers: [this.registry],
  });

  readonly connectionsFailed = new Counter({
    name: 'kubeproxy_userspace_connections_failed_total',
    help: 'Connections accepted on a service port that no endpoint took (none ready, or every one refused), by service port',
    labelNames: ['service_port'] as const,
    registers: [this.registry],
  });

  readonly endpointDialFailures = new Counter({
    name: 'kubeproxy_userspace_endpoint_dial_failures_total',
    help: 'Dials to an endpoint that failed (the connection was tried on the next endpoint), by service port',
    labelNames: ['service_port'] as const,
    registers: [this.registry],
  });

  readonly listenerWaiting = new Gauge({
    name: 'kubeproxy_userspace_listener_waiting',
    help: '1 while a service port cannot be bound (another proxy on this machine holds it); this proxy keeps retrying',
    labelNames: ['service_port', 'address'] as const,
    registers: [this.registry],
  });

  /** Counts the userspace listeners by state when scraped (set by the userspace proxier). */
  listenerCounts: () => { bound: number; waiting: number } = () => ({ bound: 0, waiting: 0 });

  readonly listeners = new Gauge({
    name: 'kubeproxy_userspace_listeners',
    help: 'Service port listeners by state: bound (this proxy serves it) or waiting (the address is taken)',
    labelNames: ['state'] as const,
    registers: [this.registry],
    collect: () => {
      const counts = this.listenerCounts();
      this.listeners.set({ state: 'bound' }, counts.bound);
      this.listeners.set({ state: 'waiting' }, counts.waiting);
    },
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
