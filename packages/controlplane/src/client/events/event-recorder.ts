import { nowTimestamp, type KubeObject } from '../../api/object.js';
import type { Logger } from '../../apiserver/log.js';
import { isNotFound } from '../rest/api-error.js';
import { Resources } from '../rest/resource-ref.js';
import type { RestClient } from '../rest/rest-client.js';
import { realClock, type Clock } from '../workqueue/clock.js';

export type EventType = 'Normal' | 'Warning';

/** A core/v1 Event as the recorder writes it. */
export interface CoreEvent extends KubeObject {
  involvedObject: { apiVersion?: string; kind?: string; namespace?: string; name?: string; uid?: string; resourceVersion?: string };
  reason: string;
  message: string;
  type: EventType;
  source: { component: string; host?: string };
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
  reportingComponent: string;
  reportingInstance: string;
}

export interface EventRecorderOptions {
  /** The component that reports: source.component, e.g. default-scheduler. */
  readonly component: string;
  readonly host?: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** How many distinct events to remember for aggregation (oldest forgotten first). */
  readonly cacheSize?: number;
}

/**
 * Records core/v1 Events about objects, as client-go's recorder: the same event repeated (same object,
 * type, reason and message) bumps count and lastTimestamp of the one Event instead of creating another.
 * Writes happen in the background, one at a time in order; a failure is logged, never thrown at the
 * caller (an event is a report, not part of the work). flush() waits for what is queued.
 */
export class EventRecorder {
  private readonly seen = new Map<string, { namespace: string; name: string; count: number; firstTimestamp: string }>();
  private tail: Promise<void> = Promise.resolve();
  private readonly clock: Clock;
  private sequence = 0;

  constructor(
    private readonly client: RestClient,
    private readonly options: EventRecorderOptions,
  ) {
    this.clock = options.clock ?? realClock;
  }

  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    const write = this.prepare(obj, type, reason, message);
    this.tail = this.tail.then(write).catch((err) => this.options.logger?.warn('could not write event', { reason, object: obj.metadata.name, error: (err as Error).message }));
  }

  /** Resolves once every event recorded so far was written (or failed). */
  flush(): Promise<void> {
    return this.tail;
  }

  /** Decides create-or-aggregate now (in call order) and answers the write to do later. */
  private prepare(obj: KubeObject, type: EventType, reason: string, message: string): () => Promise<void> {
    const now = nowTimestamp(this.clock.now());
    const involvedObject = {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
    };
    const key = JSON.stringify([involvedObject.kind, involvedObject.namespace, involvedObject.name, involvedObject.uid, type, reason, message]);
    const previous = this.seen.get(key);
    if (previous) {
      previous.count++;
      const count = previous.count;
      this.seen.delete(key);
      this.seen.set(key, previous);
      return async () => {
        try {
          await this.client.patch(Resources.events, previous.name, { count, lastTimestamp: now }, 'merge', { namespace: previous.namespace });
        } catch (err) {
          if (!isNotFound(err)) throw err;
          await this.create({ involvedObject, type, reason, message, now, first: previous.firstTimestamp, count, name: previous.name, namespace: previous.namespace });
        }
      };
    }
    const namespace = obj.metadata.namespace || 'default';
    // Kubernetes names events <object>.<unique hex>; the time plus a counter keeps ours unique per recorder.
    const name = `${obj.metadata.name}.${(this.clock.now() * 1000 + (this.sequence++ % 1000)).toString(16)}`;
    this.seen.set(key, { namespace, name, count: 1, firstTimestamp: now });
    while (this.seen.size > (this.options.cacheSize ?? 4096)) this.seen.delete(this.seen.keys().next().value!);
    return () => this.create({ involvedObject, type, reason, message, now, first: now, count: 1, name, namespace });
  }

  private async create(e: { involvedObject: CoreEvent['involvedObject']; type: EventType; reason: string; message: string; now: string; first: string; count: number; name: string; namespace: string }): Promise<void> {
    const event: CoreEvent = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: e.name, namespace: e.namespace },
      involvedObject: e.involvedObject,
      reason: e.reason,
      message: e.message,
      type: e.type,
      source: { component: this.options.component, ...(this.options.host ? { host: this.options.host } : {}) },
      firstTimestamp: e.first,
      lastTimestamp: e.now,
      count: e.count,
      reportingComponent: this.options.component,
      reportingInstance: this.options.host ?? '',
    };
    await this.client.create(Resources.events, event);
  }
}
