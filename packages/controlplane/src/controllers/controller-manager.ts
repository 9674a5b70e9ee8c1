import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../apiserver/log.js';
import { EventRecorder } from '../client/events/event-recorder.js';
import { SharedInformerFactory } from '../client/informer/shared-informer-factory.js';
import { LeaderElector } from '../client/leader-election/leader-elector.js';
import type { RestClient } from '../client/rest/rest-client.js';
import { realClock, type Clock } from '../client/workqueue/clock.js';
import { enabledControllers, type ControllerSettings } from './catalog.js';
import { WorkqueueMetrics } from './framework/metrics.js';

export interface LeaderElectionSettings {
  readonly namespace: string;
  readonly name: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  /** Unique per candidate; default hostname_<random>, as Kubernetes'. */
  readonly identity?: string;
}

export interface ControllerManagerOptions {
  readonly client: RestClient;
  readonly logger: Logger;
  readonly registry: Registry;
  /** The --controllers list. */
  readonly controllers: readonly string[];
  readonly settings: ControllerSettings;
  /** Without it every controller runs at once, with no Lease. */
  readonly leaderElection?: LeaderElectionSettings;
  readonly clock?: Clock;
}

/**
 * kube-controller-manager's core: while it leads (or always, without leader election) it runs the
 * enabled controllers over one set of shared informers. Each leadership term starts fresh caches
 * and controllers and ends them all when leadership is lost; then it stands for election again.
 */
export class ControllerManager {
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  private leading = false;
  private readonly metrics: WorkqueueMetrics;
  readonly identity: string;

  constructor(private readonly options: ControllerManagerOptions) {
    enabledControllers(options.controllers); // refuse unknown names before anything starts
    this.metrics = new WorkqueueMetrics(options.registry);
    this.identity = options.leaderElection?.identity ?? `${hostname()}_${randomBytes(8).toString('hex')}`;
    const self = this;
    new Gauge({
      name: 'leader_election_master_status',
      help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master.',
      labelNames: ['name'],
      registers: [options.registry],
      collect() {
        this.set({ name: options.leaderElection?.name ?? 'kube-controller-manager' }, self.leading ? 1 : 0);
      },
    });
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    if (this.running) return;
    this.running = this.loop(this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const election = this.options.leaderElection;
    if (!election) {
      this.leading = true;
      await this.runControllers(signal);
      return;
    }
    while (!signal.aborted) {
      let term: Promise<void> = Promise.resolve();
      const elector = new LeaderElector({
        client: this.options.client,
        namespace: election.namespace,
        name: election.name,
        identity: this.identity,
        leaseDurationMs: election.leaseDurationMs,
        renewDeadlineMs: election.renewDeadlineMs,
        retryPeriodMs: election.retryPeriodMs,
        clock: this.options.clock,
        logger: this.options.logger,
        onStartedLeading: (leadership) => {
          this.leading = true;
          term = this.runControllers(leadership);
        },
        onStoppedLeading: () => {
          this.leading = false;
        },
        onNewLeader: (identity) => this.options.logger.info('new leader elected', { lease: `${election.namespace}/${election.name}`, leader: identity }),
      });
      await elector.run(signal);
      await term;
      if (!signal.aborted) this.options.logger.warn('leadership lost; standing for election again', { identity: this.identity });
    }
  }

  /** One term: fresh informers and controllers, until the signal aborts. */
  private async runControllers(signal: AbortSignal): Promise<void> {
    const { client, logger, settings } = this.options;
    const informers = new SharedInformerFactory(client, { logger });
    const recorders = new Map<string, EventRecorder>();
    const recorder = (component: string) => {
      let r = recorders.get(component);
      if (!r) recorders.set(component, (r = new EventRecorder(client, { component, logger, clock: this.options.clock })));
      return r;
    };
    const ctx = { client, informers, clock: this.options.clock ?? realClock, logger, metrics: this.metrics, recorder };
    const controllers = enabledControllers(this.options.controllers).map((e) => e.create(ctx, settings));
    informers.start();
    logger.info('starting controllers', { controllers: controllers.map((c) => c.name) });
    await Promise.all(
      controllers.map((c) =>
        c.run(signal).catch((err: unknown) => logger.error('controller stopped with an error', { controller: c.name, error: String((err as Error)?.stack ?? err) })),
      ),
    );
    await informers.stop();
    await Promise.all([...recorders.values()].map((r) => r.flush()));
    logger.info('controllers stopped');
  }
}
