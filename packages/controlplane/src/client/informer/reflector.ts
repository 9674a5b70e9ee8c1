import type { KubeObject } from '../../api/object.js';
import type { Logger } from '../../apiserver/log.js';
import { isGone } from '../rest/api-error.js';
import type { RestClient } from '../rest/rest-client.js';
import type { ResourceRef } from '../rest/resource-ref.js';

/** Where a reflector delivers what it learns: a whole list, or one change at a time. */
export interface ReflectorSink<T extends KubeObject> {
  /** The full state as of resourceVersion (after a list or a relist). */
  replace(items: T[], resourceVersion: string): void;
  added(obj: T): void;
  modified(obj: T): void;
  deleted(obj: T): void;
}

export interface ReflectorOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Page size of the (re)list. */
  readonly pageSize?: number;
  readonly logger?: Logger;
  /** Backoff after a failed list or watch: doubles from min to max. */
  readonly backoffMinMs?: number;
  readonly backoffMaxMs?: number;
}

/**
 * Keeps a sink in step with one resource on the apiserver: list, then watch from the list's
 * resourceVersion. A watch that ends (server timeout, dropped connection) resumes from the last
 * resourceVersion seen, bookmarks included; a resourceVersion that is gone (410) means relist.
 * Failures back off exponentially. One loop, owned by run(), ended by its AbortSignal.
 */
export class Reflector<T extends KubeObject> {
  private resourceVersion: string | undefined;

  constructor(
    private readonly client: RestClient,
    private readonly ref: ResourceRef,
    private readonly sink: ReflectorSink<T>,
    private readonly options: ReflectorOptions = {},
  ) {}

  /** The resourceVersion the cache is known to be complete at. */
  get lastSyncResourceVersion(): string | undefined {
    return this.resourceVersion;
  }

  async run(signal: AbortSignal): Promise<void> {
    const min = this.options.backoffMinMs ?? 200;
    const max = this.options.backoffMaxMs ?? 5_000;
    let delay = min;
    let needList = true;
    const { namespace, labelSelector, fieldSelector } = this.options;
    while (!signal.aborted) {
      try {
        if (needList) {
          const list = await this.client.listAll<T>(this.ref, { namespace, labelSelector, fieldSelector, limit: this.options.pageSize ?? 500 });
          if (signal.aborted) return;
          this.resourceVersion = list.metadata.resourceVersion ?? '0';
          this.sink.replace(list.items, this.resourceVersion);
          needList = false;
        }
        const outcome = await this.watchOnce(signal);
        if (outcome === 'gone') {
          needList = true;
          this.options.logger?.info('watch resourceVersion expired, relisting', { resource: this.ref.resource, resourceVersion: this.resourceVersion });
          continue;
        }
        if (outcome === 'progress') delay = min;
        else await sleep(delay, signal), (delay = Math.min(delay * 2, max));
      } catch (err) {
        if (signal.aborted) return;
        if (isGone(err)) {
          needList = true;
          continue;
        }
        this.options.logger?.warn('list/watch failed, retrying', { resource: this.ref.resource, error: String((err as Error).message ?? err), retryInMs: delay });
        await sleep(delay, signal);
        delay = Math.min(delay * 2, max);
      }
    }
  }

  /** One watch until it ends: 'progress' if it delivered anything, 'idle' if not, 'gone' on 410. */
  private async watchOnce(signal: AbortSignal): Promise<'progress' | 'idle' | 'gone'> {
    const { namespace, labelSelector, fieldSelector } = this.options;
    // A server-side timeout spreads re-watches out, as client-go's 5–10 minute random timeouts do.
    const timeoutSeconds = 300 + Math.floor(Math.random() * 300);
    const stream = await this.client.watch<T>(this.ref, { namespace, labelSelector, fieldSelector, resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds, signal });
    let progressed = false;
    for await (const event of stream) {
      switch (event.type) {
        case 'ADDED':
          this.sink.added(event.object);
          break;
        case 'MODIFIED':
          this.sink.modified(event.object);
          break;
        case 'DELETED':
          this.sink.deleted(event.object);
          break;
        case 'BOOKMARK':
          break;
        case 'ERROR':
          stream.stop();
          if (event.object.code === 410 || event.object.reason === 'Expired' || event.object.reason === 'Gone') return 'gone';
          throw new Error(`watch error: ${event.object.message ?? JSON.stringify(event.object)}`);
      }
      const rv = (event.object as KubeObject).metadata?.resourceVersion;
      if (rv) this.resourceVersion = rv;
      progressed = true;
    }
    return progressed ? 'progress' : 'idle';
  }
}

/** Waits ms, or less if the signal aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
