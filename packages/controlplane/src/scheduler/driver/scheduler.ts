/**
 * The kube-scheduler driver: informers feed the pure scheduling queue and the scheduler cache; one
 * loop pops a pod, decides with schedule(), assumes the pod onto the chosen node and binds it in
 * the background (so the next decision does not wait for the apiserver), then records the Event.
 * Time comes from a Clock and ties from a seeded picker, so a decision sequence replays from its seed.
 */
import type { KubeObject } from '../../api/object.js';
import type { Logger } from '../../apiserver/log.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/rest/api-error.js';
import { Resources } from '../../client/rest/resource-ref.js';
import type { RestClient } from '../../client/rest/rest-client.js';
import type { EventRecorder } from '../../client/events/event-recorder.js';
import type { Informer } from '../../client/informer/informer.js';
import type { SharedInformerFactory } from '../../client/informer/shared-informer-factory.js';
import { realClock, type Clock } from '../../client/workqueue/clock.js';
import { bindingFor, scheduledEvent, failedSchedulingEvent } from '../binding.js';
import type { PluginSet } from '../framework/interface.js';
import { defaultPlugins } from '../plugins/default-plugins.js';
import { DEFAULT_BACKOFF, type BackoffConfig } from '../queue/backoff.js';
import { podKey, SchedulingQueue, type PoppedPod } from '../queue/scheduling-queue.js';
import { seededPicker, type PickRandom } from '../random.js';
import { isUnscheduled, responsibleFor } from '../responsible.js';
import { schedule } from '../schedule.js';
import type { Node, Pod } from '../types.js';
import type { SchedulerMetrics } from './metrics.js';
import { SchedulerCache } from './scheduler-cache.js';
import { nodeChangeMayHelp } from './node-change.js';

export interface SchedulerOptions {
  readonly client: RestClient;
  readonly informers: SharedInformerFactory;
  readonly recorder: EventRecorder;
  readonly metrics: SchedulerMetrics;
  readonly logger: Logger;
  /** Pods whose spec.schedulerName is this are ours (default-scheduler). */
  readonly schedulerName: string;
  /** Seeds the tie-breaker among equally scored nodes. */
  readonly seed: number;
  readonly clock?: Clock;
  readonly backoff?: BackoffConfig;
  /** Bindings in flight at most; the loop waits for one to finish beyond that. */
  readonly maxInFlightBinds?: number;
  readonly plugins?: PluginSet;
}

type PodObject = KubeObject & Pod;

const isTerminal = (pod: KubeObject) => {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
};

export class Scheduler {
  private readonly queue: SchedulingQueue;
  private readonly cache = new SchedulerCache();
  private readonly pick: PickRandom;
  private readonly plugins: PluginSet;
  private readonly clock: Clock;
  private readonly pods: Informer<PodObject>;
  /** Pods popped and not yet bound or requeued: events about them do not queue them again. */
  private readonly inFlight = new Set<string>();
  /** When each pending pod first entered the queue, for scheduler_pod_scheduling_duration_seconds. */
  private readonly firstQueued = new Map<string, number>();
  private readonly binds = new Set<Promise<void>>();
  private wake: (() => void) | undefined;
  private lastExpiry = 0;

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? realClock;
    this.queue = new SchedulingQueue(options.backoff ?? DEFAULT_BACKOFF);
    this.pick = seededPicker(options.seed);
    this.plugins = options.plugins ?? defaultPlugins();
    this.pods = options.informers.informerFor<PodObject>(Resources.pods);
    const nodes = options.informers.informerFor<KubeObject & Node>(Resources.nodes);
    this.pods.addEventHandler({ onAdd: (p) => this.onPodAdd(p), onUpdate: (_, p) => this.onPodUpdate(p), onDelete: (p) => this.onPodDelete(p) });
    nodes.addEventHandler({
      onAdd: (n) => this.onNodeChange(n, undefined),
      onUpdate: (old, n) => this.onNodeChange(n, old),
      onDelete: (n) => this.cache.removeNode(n.metadata.name),
    });
  }

  /** Pods waiting in each queue (for metrics and tests). */
  get pending(): { readonly active: number; readonly backoff: number; readonly unschedulable: number } {
    return this.queue.lengths;
  }

  /** Schedules until the signal aborts, then waits for the bindings in flight. */
  async run(signal: AbortSignal): Promise<void> {
    const maxBinds = this.options.maxInFlightBinds ?? 64;
    while (!signal.aborted) {
      const now = this.clock.now();
      this.housekeeping(now);
      const popped = this.queue.pop(now);
      this.updatePendingGauge();
      if (!popped) {
        await this.waitForWork(signal);
        continue;
      }
      this.scheduleOne(popped);
      while (this.binds.size >= maxBinds && !signal.aborted) await Promise.race(this.binds);
      // Let informer events in between decisions.
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(this.binds);
  }

  private scheduleOne(popped: PoppedPod): void {
    const key = popped.queued.key;
    const pod = this.pods.store.get(key);
    // The queue may hold a pod that was bound, deleted or replaced since: the cache has the truth.
    if (!pod || !isUnscheduled(pod) || pod.metadata.deletionTimestamp || pod.metadata.uid !== popped.queued.pod.metadata.uid) return;
    const profile = this.options.schedulerName;
    const started = performance.now();
    const now = this.clock.now();
    const result = schedule(pod, this.cache.snapshot(), this.plugins, this.pick);
    const seconds = (performance.now() - started) / 1000;
    if (result.kind === 'scheduled') {
      this.options.metrics.scheduleAttempts.inc({ result: 'scheduled', profile });
      this.options.metrics.attemptDuration.observe({ result: 'scheduled', profile }, seconds);
      this.cache.assume(pod, result.node, now);
      this.inFlight.add(key);
      const bind = this.bind(popped, pod, result.node).finally(() => {
        this.binds.delete(bind);
        this.inFlight.delete(key);
      });
      this.binds.add(bind);
      return;
    }
    this.options.metrics.scheduleAttempts.inc({ result: 'unschedulable', profile });
    this.options.metrics.attemptDuration.observe({ result: 'unschedulable', profile }, seconds);
    this.options.logger.info('unable to schedule pod; no fit; waiting', { pod: key, err: result.message });
    const event = failedSchedulingEvent(pod, result);
    this.options.recorder.event(pod, event.type, event.reason, event.note);
    this.queue.addUnschedulable(popped, now, pod);
    void this.markUnschedulable(pod, result.message);
  }

  private async bind(popped: PoppedPod, pod: PodObject, node: string): Promise<void> {
    const key = popped.queued.key;
    try {
      await this.options.client.createSubresource(Resources.pods, pod.metadata.name, 'binding', bindingFor(pod, node), { namespace: pod.metadata.namespace });
    } catch (err) {
      this.cache.forget(key);
      // Bound already (by us earlier, or another scheduler) or gone: nothing to retry.
      if (isConflict(err) || isAlreadyExists(err) || isNotFound(err)) {
        this.options.logger.info('pod not bound: already bound or deleted', { pod: key, node, err: (err as Error).message });
        return;
      }
      this.options.metrics.scheduleAttempts.inc({ result: 'error', profile: this.options.schedulerName });
      this.options.logger.warn('binding failed, retrying after backoff', { pod: key, node, err: (err as Error).message });
      const now = this.clock.now();
      this.queue.addUnschedulable(popped, now, pod);
      // An error is not a lack of fit: go to backoff, not wait for a cluster event.
      this.queue.update(pod, now);
      this.wake?.();
      return;
    }
    const queuedAt = this.firstQueued.get(key);
    this.firstQueued.delete(key);
    if (queuedAt !== undefined) this.options.metrics.podSchedulingDuration.observe({ attempts: String(popped.queued.attempts) }, (this.clock.now() - queuedAt) / 1000);
    const event = scheduledEvent(pod, node);
    this.options.recorder.event(pod, event.type, event.reason, event.note);
    this.options.logger.debug('bound pod', { pod: key, node });
  }

  /** Sets the PodScheduled=False condition kubectl shows for a pending pod (best effort). */
  private async markUnschedulable(pod: PodObject, message: string): Promise<void> {
    const condition = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z') };
    try {
      await this.options.client.patch(Resources.pods, pod.metadata.name, { status: { conditions: [condition] } }, 'strategic', { namespace: pod.metadata.namespace, subresource: 'status' });
    } catch (err) {
      this.options.logger.debug('could not set the PodScheduled condition', { pod: podKey(pod), err: (err as Error).message });
    }
  }

  private onPodAdd(pod: PodObject): void {
    if (isTerminal(pod)) return;
    if (!isUnscheduled(pod)) return this.cache.addOrUpdatePod(pod);
    if (!responsibleFor(pod, this.options.schedulerName) || pod.metadata.deletionTimestamp) return;
    const now = this.clock.now();
    if (!this.firstQueued.has(podKey(pod))) this.firstQueued.set(podKey(pod), now);
    this.queue.add(pod, now);
    this.wake?.();
  }

  private onPodUpdate(pod: PodObject): void {
    const key = podKey(pod);
    if (!isUnscheduled(pod)) {
      this.queue.delete(key);
      if (isTerminal(pod)) this.onPodGone(key);
      else this.cache.addOrUpdatePod(pod);
      return;
    }
    if (!responsibleFor(pod, this.options.schedulerName) || pod.metadata.deletionTimestamp) return this.queue.delete(key);
    // A pod being scheduled is read afresh from the informer when it is bound; do not queue it twice.
    if (this.inFlight.has(key) || this.cache.isAssumed(key)) return;
    this.queue.update(pod, this.clock.now());
    this.wake?.();
  }

  private onPodDelete(pod: PodObject): void {
    const key = podKey(pod);
    this.queue.delete(key);
    this.firstQueued.delete(key);
    this.onPodGone(key);
  }

  /** A pod that counted toward a node no longer does: waiting pods may fit now. */
  private onPodGone(key: string): void {
    if (!this.cache.isCounted(key)) return;
    this.cache.removePod(key);
    this.queue.moveAllToActiveOrBackoff(this.clock.now());
    this.wake?.();
  }

  private onNodeChange(node: KubeObject & Node, old: (KubeObject & Node) | undefined): void {
    this.cache.addOrUpdateNode(node);
    if (old && !nodeChangeMayHelp(old, node)) return;
    this.queue.moveAllToActiveOrBackoff(this.clock.now());
    this.wake?.();
  }

  /** Retries pods left unschedulable too long and drops assumptions never confirmed; at most once a second. */
  private housekeeping(now: number): void {
    if (now - this.lastExpiry < 1000) return;
    this.lastExpiry = now;
    this.queue.flushUnschedulableLeftover(now);
    for (const key of this.cache.expireAssumed(now)) this.options.logger.warn('assumed pod expired before its binding showed', { pod: key });
  }

  private updatePendingGauge(): void {
    const { active, backoff, unschedulable } = this.queue.lengths;
    this.options.metrics.pendingPods.set({ queue: 'active' }, active);
    this.options.metrics.pendingPods.set({ queue: 'backoff' }, backoff);
    this.options.metrics.pendingPods.set({ queue: 'unschedulable' }, unschedulable);
  }

  /** Sleeps until an event wakes the loop, the queue's next backoff ends, or a second passes. */
  private waitForWork(signal: AbortSignal): Promise<void> {
    const next = this.queue.nextWakeup();
    const ms = Math.min(1000, next === undefined ? 1000 : Math.max(0, next - this.clock.now()));
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }
}
