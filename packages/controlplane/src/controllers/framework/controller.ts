import type { Logger } from '../../apiserver/log.js';
import type { EventRecorder } from '../../client/events/event-recorder.js';
import type { Informer } from '../../client/informer/informer.js';
import type { SharedInformerFactory } from '../../client/informer/shared-informer-factory.js';
import type { RestClient } from '../../client/rest/rest-client.js';
import type { Clock } from '../../client/workqueue/clock.js';
import { runWorkers, WorkQueue } from '../../client/workqueue/work-queue.js';
import type { WorkqueueMetrics } from './metrics.js';

/** What every controller is built from: the API, the shared caches, time, logs and metrics. */
export interface ControllerContext {
  readonly client: RestClient;
  readonly informers: SharedInformerFactory;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics?: WorkqueueMetrics;
  /** The recorder of Events a controller reports as (source.component, e.g. replicaset-controller). */
  readonly recorder?: (component: string) => EventRecorder;
}

/** A controller: runs until the signal aborts (leadership lost, or the process stops). */
export interface Controller {
  readonly name: string;
  run(signal: AbortSignal): Promise<void>;
}

/** A work queue that counts adds and retries for /metrics. */
class MeteredWorkQueue extends WorkQueue<string> {
  constructor(
    name: string,
    clock: Clock,
    private readonly metrics?: WorkqueueMetrics,
  ) {
    super({ name, clock });
    metrics?.track(this);
  }

  override add(key: string): void {
    if (!this.isShuttingDown) this.metrics?.adds.inc({ name: this.name });
    super.add(key);
  }

  override addRateLimited(key: string): void {
    if (!this.isShuttingDown) this.metrics?.retries.inc({ name: this.name });
    super.addRateLimited(key);
  }
}

/**
 * The shape of every controller here, as Kubernetes' pkg/controller: informer handlers turn
 * changes into keys on a rate-limited queue; workers take a key and call sync(key), which reads
 * the caches, decides (purely), and writes. A failed sync is retried with backoff. Because sync
 * works from the whole current state, not from the event, a lost event or a restart converges.
 */
export abstract class QueueController implements Controller {
  protected readonly queue: WorkQueue<string>;

  constructor(
    readonly name: string,
    protected readonly ctx: ControllerContext,
    private readonly workers = 1,
  ) {
    this.queue = new MeteredWorkQueue(name, ctx.clock, ctx.metrics);
  }

  /** The caches sync(key) reads; workers start once all of them hold their first list. */
  protected abstract caches(): readonly Informer<any>[];

  /** Brings the object behind key to its desired state; throws to be retried. */
  protected abstract sync(key: string): Promise<void>;

  /** Called once the caches synced, before workers start (e.g. to start a periodic monitor). */
  protected started(_signal: AbortSignal): void {}

  async run(signal: AbortSignal): Promise<void> {
    const onAbort = () => this.queue.shutDown();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.all(this.caches().map((i) => waitUntilSynced(i, signal)));
      if (signal.aborted) return;
      this.ctx.logger.info('caches synced, starting workers', { controller: this.name, workers: this.workers });
      this.started(signal);
      await runWorkers(this.queue, this.workers, (key) => this.sync(key), (key, err) =>
        this.ctx.logger.warn('sync failed, retrying', { controller: this.name, key, error: (err as Error)?.message ?? String(err) }),
      );
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.queue.shutDown();
    }
  }
}

/** Waits for an informer's first list however long it takes, unless the signal aborts first. */
async function waitUntilSynced(informer: Informer<any>, signal: AbortSignal): Promise<void> {
  while (!signal.aborted && !informer.hasSynced()) {
    await informer.waitForSync(1000).catch(() => undefined);
  }
}
