import { Counter, Gauge, type Registry } from 'prom-client';
import type { WorkQueue } from '../../client/workqueue/work-queue.js';

/**
 * The work-queue metrics client-go exports, labelled by queue name (one queue a controller):
 * depth now, adds and rate-limited retries since start.
 */
export class WorkqueueMetrics {
  private readonly queues = new Map<string, WorkQueue<string>>();
  readonly adds: Counter<'name'>;
  readonly retries: Counter<'name'>;

  constructor(registry: Registry) {
    const queues = this.queues;
    new Gauge({
      name: 'workqueue_depth',
      help: 'Current depth of workqueue',
      labelNames: ['name'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [name, q] of queues) this.set({ name }, q.length);
      },
    });
    this.adds = new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames: ['name'], registers: [registry] });
    this.retries = new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', labelNames: ['name'], registers: [registry] });
  }

  /** Reports this queue's depth (a later queue of the same name, after a new leadership term, replaces it). */
  track(queue: WorkQueue<string>): void {
    this.queues.set(queue.name, queue);
  }
}
