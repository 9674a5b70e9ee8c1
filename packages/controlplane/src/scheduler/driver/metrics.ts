import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Buckets for a pod's wait from queued to bound: 10 ms to about 80 s, doubling (as kube-scheduler's). */
const E2E_BUCKETS = Array.from({ length: 14 }, (_, i) => 0.01 * 2 ** i);
/** Buckets for one scheduling attempt (filter and score): 1 ms to about 16 s, doubling. */
const ATTEMPT_BUCKETS = Array.from({ length: 15 }, (_, i) => 0.001 * 2 ** i);

/** kube-scheduler's metrics, under its names; one registry per scheduler (tests run several). */
export class SchedulerMetrics {
  readonly registry = new Registry();

  readonly scheduleAttempts = new Counter({
    name: 'scheduler_schedule_attempts_total',
    help: 'Number of attempts to schedule pods, by the result. unschedulable means a pod could not be scheduled, while error means an internal scheduler problem.',
    labelNames: ['result', 'profile'] as const,
    registers: [this.registry],
  });

  readonly attemptDuration = new Histogram({
    name: 'scheduler_scheduling_attempt_duration_seconds',
    help: 'Scheduling attempt latency in seconds (scheduling algorithm + binding)',
    labelNames: ['result', 'profile'] as const,
    buckets: ATTEMPT_BUCKETS,
    registers: [this.registry],
  });

  readonly podSchedulingDuration = new Histogram({
    name: 'scheduler_pod_scheduling_duration_seconds',
    help: 'E2e latency for a pod being scheduled, from the time the pod enters the scheduling queue, which may include multiple scheduling attempts.',
    labelNames: ['attempts'] as const,
    buckets: E2E_BUCKETS,
    registers: [this.registry],
  });

  readonly pendingPods = new Gauge({
    name: 'scheduler_pending_pods',
    help: "Number of pending pods, by the queue type. 'active' means number of pods in activeQ; 'backoff' means number of pods in backoffQ; 'unschedulable' means number of pods in unschedulablePods.",
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });

  readonly leaderStatus = new Gauge({
    name: 'leader_election_master_status',
    help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master.',
    labelNames: ['name'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
