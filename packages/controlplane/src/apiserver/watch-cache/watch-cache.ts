import type { Watch, WatchEvent } from '@flotilla/kvstore/client';
import type { ResourceInfo } from '../../api/resources.js';
import type { Logger } from '../log.js';
import type { ApiserverMetrics } from '../metrics.js';
import { resourcePrefix } from '../storage/keys.js';
import { type ObjectStore, type StoredObject, decodeObject } from '../storage/object-store.js';
import { expired } from '../status-error.js';
import { type CacheEvent, EventWindow } from './event-window.js';

/** Someone following the cache: gets each event in order, and an end when the cache relists or stops. */
export interface CacheSubscriber {
  onEvent(event: CacheEvent): void;
  onEnd(reason: string): void;
}

export interface Subscription {
  /** The events since the requested revision, to send before live ones. */
  readonly replay: readonly CacheEvent[];
  cancel(): void;
}

const LIST_PAGE = 1000;

/**
 * The watch cache of one resource: the current objects and a window of recent events, fed by
 * ONE store watch on the resource's prefix. Lists at resourceVersion "0" and every client
 * watch are served from here, so N clients cost the store one watch, not N.
 */
export class WatchCache {
  private readonly objects = new Map<string, StoredObject>();
  private window: EventWindow;
  private readonly subscribers = new Set<CacheSubscriber>();
  private storeWatch: Watch | undefined;
  private current = 0;
  private stopped = false;
  private readyPromise: Promise<void> | undefined;

  constructor(
    readonly resource: ResourceInfo,
    private readonly store: ObjectStore,
    private readonly metrics: ApiserverMetrics,
    private readonly log: Logger,
    readonly capacity = 10_000,
  ) {
    this.window = new EventWindow(capacity, 0);
  }

  /** The revision the cache is at: the list it started from, or the last event it applied. */
  get revision(): number {
    return this.current;
  }

  /** The oldest revision a watch may start from. */
  get oldestRevision(): number {
    return this.window.startRevision;
  }

  get size(): number {
    return this.objects.size;
  }

  /** Lists the prefix, then follows it; resolves once the first list is in. */
  ready(): Promise<void> {
    this.readyPromise ??= this.sync();
    return this.readyPromise;
  }

  /** The current objects under `prefix`, in key order. */
  list(prefix: string): StoredObject[] {
    const out: StoredObject[] = [];
    for (const [key, stored] of this.objects) if (key.startsWith(prefix)) out.push(stored);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  get(key: string): StoredObject | undefined {
    return this.objects.get(key);
  }

  /**
   * Follows the cache from `revision` (replaying the window's events after it). Throws 410
   * Gone when those events have left the window: the client must list again.
   */
  subscribe(revision: number, subscriber: CacheSubscriber): Subscription {
    const replay = this.window.since(revision);
    if (!replay) throw expired(`too old resource version: ${revision} (${this.window.startRevision})`);
    this.subscribers.add(subscriber);
    this.metrics.registeredWatchers.inc(this.watcherLabels());
    return {
      replay,
      cancel: () => {
        if (this.subscribers.delete(subscriber)) this.metrics.registeredWatchers.dec(this.watcherLabels());
      },
    };
  }

  stop(): void {
    this.stopped = true;
    this.storeWatch?.cancel();
    this.endAll('the watch cache stopped');
  }

  private watcherLabels() {
    return { group: this.resource.group, version: this.resource.version, kind: this.resource.kind };
  }

  private endAll(reason: string): void {
    const subscribers = [...this.subscribers];
    this.subscribers.clear();
    this.metrics.registeredWatchers.set(this.watcherLabels(), 0);
    for (const s of subscribers) s.onEnd(reason);
  }

  /** One consistent list of the whole prefix (paged at one revision), then a watch from after it. */
  private async sync(): Promise<void> {
    const prefix = resourcePrefix(this.resource);
    const objects = new Map<string, StoredObject>();
    let revision = 0;
    let from = prefix;
    for (;;) {
      const page = await this.store.list(prefix, from, LIST_PAGE, revision, this.resource.resource);
      revision = page.revision;
      for (const item of page.items) objects.set(item.key, item);
      if (!page.more || page.items.length === 0) break;
      from = page.items[page.items.length - 1].key + '\0';
    }
    this.objects.clear();
    for (const [k, v] of objects) this.objects.set(k, v);
    this.current = revision;
    this.window.reset(revision);
    this.metrics.storageObjects.set({ resource: this.resource.resource }, this.objects.size);
    this.follow(prefix, revision + 1);
  }

  private follow(prefix: string, startRevision: number): void {
    if (this.stopped) return;
    // The kvstore client gives every watch stream a connection of its own, so this one does not
    // hold up the registry's reads and writes on the same client.
    const watch = this.store.client.watch(prefix, { prefix: true, startRevision, prevKv: true }, (events) => this.apply(events));
    this.storeWatch = watch;
    void watch.done.then((end) => {
      if (this.stopped || this.storeWatch !== watch) return;
      // The store cancels a watch that fell behind compaction: list again and tell every
      // client to re-watch (their revisions may no longer be servable).
      this.log.warn('watch cache relisting', { resource: this.resource.resource, compactRevision: end.compactRevision, reason: end.reason });
      this.endAll('the watch cache relisted');
      this.readyPromise = this.sync().catch((err: unknown) => this.log.error('watch cache relist failed', { resource: this.resource.resource, error: String(err) }));
    });
  }

  private apply(events: WatchEvent[]): void {
    for (const e of events) {
      const key = Buffer.from(e.kv.key).toString('utf8');
      const revision = e.kv.modRevision;
      if (revision <= this.current) continue;
      const prev = this.objects.get(key);
      let event: CacheEvent;
      if (e.type === 'DELETE') {
        const last = prev ?? (e.prevKv ? decodeObject(key, e.prevKv.value, e.prevKv.modRevision) : undefined);
        if (!last) continue;
        this.objects.delete(key);
        const object = structuredClone(last.object);
        object.metadata.resourceVersion = String(revision);
        event = { type: 'DELETED', key, object, prevObject: last.object, revision };
      } else {
        const stored = decodeObject(key, e.kv.value, revision);
        this.objects.set(key, stored);
        event = { type: prev ? 'MODIFIED' : 'ADDED', key, object: stored.object, prevObject: prev?.object, revision };
      }
      this.window.push(event);
      this.metrics.watchCacheEvents.inc({ resource: this.resource.resource });
      for (const s of this.subscribers) s.onEvent(event);
    }
    const last = events[events.length - 1];
    if (last && last.kv.modRevision > this.current) this.current = last.kv.modRevision;
    this.metrics.storageObjects.set({ resource: this.resource.resource }, this.objects.size);
  }
}

