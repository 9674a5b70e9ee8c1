import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../../apiserver/log.js';
import { startComponentServer, type ComponentServer } from '../../client/component/component-server.js';
import { EventRecorder } from '../../client/events/event-recorder.js';
import { SharedInformerFactory } from '../../client/informer/shared-informer-factory.js';
import { LeaderElector } from '../../client/leader-election/leader-elector.js';
import { RestClient } from '../../client/rest/rest-client.js';
import { DEFAULT_BACKOFF } from '../queue/backoff.js';
import { SchedulerMetrics } from './metrics.js';
import { Scheduler } from './scheduler.js';
import type { SchedulerFlags } from './scheduler-flags.js';

/**
 * A running kube-scheduler: informers (running on standbys too, so a new leader starts warm), the
 * HTTP endpoint, and the scheduling loop, which runs only while this replica leads. Losing the
 * lease calls onLostLeadership (main exits, as kube-scheduler does); stop() ends everything and
 * releases the lease.
 */
export class SchedulerServer {
  private readonly stopping = new AbortController();
  private loop: Promise<void> = Promise.resolve();
  private election: Promise<void> = Promise.resolve();

  private constructor(
    readonly url: string,
    readonly identity: string,
    readonly scheduler: Scheduler,
    private readonly http: ComponentServer,
    private readonly client: RestClient,
    private readonly informers: SharedInformerFactory,
    private readonly recorder: EventRecorder,
    private readonly elector: LeaderElector | undefined,
  ) {}

  static async start(flags: SchedulerFlags, logger: Logger, onLostLeadership: () => void = () => undefined): Promise<SchedulerServer> {
    const client = await RestClient.fromKubeconfig(flags.kubeconfig!, { userAgent: 'kube-scheduler' });
    const identity = `${hostname()}_${randomUUID()}`;
    const metrics = new SchedulerMetrics();
    const informers = new SharedInformerFactory(client, { logger });
    const recorder = new EventRecorder(client, { component: flags.schedulerName, logger });
    const scheduler = new Scheduler({
      client,
      informers,
      recorder,
      metrics,
      logger,
      schedulerName: flags.schedulerName,
      seed: flags.seed,
      backoff: { ...DEFAULT_BACKOFF, initialMs: flags.podInitialBackoffMs, maxMs: flags.podMaxBackoffMs },
    });
    let elector: LeaderElector | undefined;
    let server: SchedulerServer | undefined;
    const lead = (signal: AbortSignal) => {
      metrics.leaderStatus.set({ name: flags.leaseName }, 1);
      server!.loop = scheduler.run(signal);
    };
    if (flags.leaderElect) {
      elector = new LeaderElector({
        client,
        namespace: flags.leaseNamespace,
        name: flags.leaseName,
        identity,
        leaseDurationMs: flags.leaseDurationMs,
        renewDeadlineMs: flags.renewDeadlineMs,
        retryPeriodMs: flags.retryPeriodMs,
        logger,
        onStartedLeading: lead,
        onStoppedLeading: () => metrics.leaderStatus.set({ name: flags.leaseName }, 0),
        onNewLeader: (id) => logger.info('new leader elected', { leader: id, self: id === identity }),
      });
      metrics.leaderStatus.set({ name: flags.leaseName }, 0);
    }
    const http = await startComponentServer({
      bindAddress: flags.bindAddress,
      port: flags.port,
      registry: metrics.registry,
      readiness: { 'informer-sync': () => informers.hasSynced() || 'informers not synced' },
    });
    server = new SchedulerServer(http.url, identity, scheduler, http, client, informers, recorder, elector);
    logger.info('starting kube-scheduler', { identity, schedulerName: flags.schedulerName, seed: flags.seed, leaderElect: flags.leaderElect });
    informers.start();
    await informers.waitForSync();
    if (elector) {
      server.election = elector.run(server.stopping.signal).then(() => {
        if (!server!.stopping.signal.aborted) {
          logger.error('leaderelection lost', { identity });
          onLostLeadership();
        }
      });
    } else {
      lead(server.stopping.signal);
    }
    return server;
  }

  get isLeader(): boolean {
    return this.elector ? this.elector.isLeader : true;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.election;
    await this.loop;
    await this.recorder.flush();
    await this.informers.stop();
    await this.http.close();
    await this.client.close();
  }
}
