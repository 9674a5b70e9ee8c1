import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Kubernetes' buckets for request and storage latency, in seconds. */
const LATENCY_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];

/**
 * The apiserver's Prometheus metrics, named as kube-apiserver names them so dashboards and
 * queries written for Kubernetes read ours. One registry per server (tests run several).
 */
export class ApiserverMetrics {
  readonly registry = new Registry();

  readonly requestTotal = new Counter({
    name: 'apiserver_request_total',
    help: 'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
    labelNames: ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component', 'code'] as const,
    registers: [this.registry],
  });

  readonly requestDuration = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
    labelNames: ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly storageObjects = new Gauge({
    name: 'apiserver_storage_objects',
    help: 'Number of stored objects at the time of last check split by kind.',
    labelNames: ['resource'] as const,
    registers: [this.registry],
  });

  readonly storeRequestDuration = new Histogram({
    name: 'etcd_request_duration_seconds',
    help: 'Etcd request latency in seconds for each operation and object type.',
    labelNames: ['operation', 'type'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly registeredWatchers = new Gauge({
    name: 'apiserver_registered_watchers',
    help: 'Number of currently registered watchers for a given resources',
    labelNames: ['group', 'version', 'kind'] as const,
    registers: [this.registry],
  });

  readonly watchEvents = new Counter({
    name: 'apiserver_watch_events_total',
    help: 'Number of events sent in watch clients',
    labelNames: ['group', 'version', 'kind'] as const,
    registers: [this.registry],
  });

  readonly watchCacheEvents = new Counter({
    name: 'apiserver_watch_cache_events_received_total',
    help: 'Counter of events received in watch cache broken by resource type.',
    labelNames: ['resource'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Times one store call under `etcd_request_duration_seconds{operation,type}`. */
  async timeStore<T>(operation: string, type: string, call: () => Promise<T>): Promise<T> {
    const end = this.storeRequestDuration.startTimer({ operation, type });
    try {
      return await call();
    } finally {
      end();
    }
  }
}
