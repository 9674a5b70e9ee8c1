import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Buckets of kubelet_pod_start_duration_seconds, as the kubelet's. */
const POD_START_BUCKETS = [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700, 3600];

/** What the gauges read when scraped. */
export interface KubeletCounts {
  runningPods(): number;
  runningContainers(): number;
}

/** The kubelet's Prometheus metrics, named as the kubelet names them; one registry per kubelet. */
export class KubeletMetrics {
  readonly registry = new Registry();

  readonly podStartDuration = new Histogram({
    name: 'kubelet_pod_start_duration_seconds',
    help: 'Duration in seconds from the pod being created to all its containers running.',
    buckets: POD_START_BUCKETS,
    registers: [this.registry],
  });

  readonly podWorkerDuration = new Histogram({
    name: 'kubelet_pod_worker_duration_seconds',
    help: 'Duration in seconds to sync a single pod, by operation (sync, kill).',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly probes = new Counter({
    name: 'prober_probe_total',
    help: 'Cumulative number of liveness, readiness or startup probes for a container by result.',
    labelNames: ['probe_type', 'result'] as const,
    registers: [this.registry],
  });

  readonly containerRestarts = new Counter({
    name: 'kubelet_container_restarts_total',
    help: 'Number of container restarts the kubelet made.',
    registers: [this.registry],
  });

  constructor(nodeName: string, counts: KubeletCounts) {
    new Gauge({ name: 'kubelet_node_name', help: 'The node name.', labelNames: ['node'] as const, registers: [this.registry] }).set({ node: nodeName }, 1);
    new Gauge({
      name: 'kubelet_running_pods',
      help: 'Number of pods that have a running container.',
      registers: [this.registry],
      collect() {
        this.set(counts.runningPods());
      },
    });
    new Gauge({
      name: 'kubelet_running_containers',
      help: 'Number of containers currently running.',
      labelNames: ['container_state'] as const,
      registers: [this.registry],
      collect() {
        this.set({ container_state: 'running' }, counts.runningContainers());
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }
}
