import type { KubeObject } from '../../api/object.js';
import type { RestClient } from '../rest/rest-client.js';
import { objectKey, type ResourceRef } from '../rest/resource-ref.js';
import { Indexer, type IndexFunc } from './indexer.js';
import { Reflector, type ReflectorOptions, type ReflectorSink } from './reflector.js';

/** Callbacks for changes seen in the cache. onDelete also fires for objects that vanished across a relist. */
export interface EventHandlers<T extends KubeObject> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
}

export interface InformerOptions<T extends KubeObject> extends ReflectorOptions {
  readonly indexers?: Record<string, IndexFunc<T>>;
}

/**
 * A reflector feeding a local, indexed cache, and handlers told of every change: the client-go
 * informer. Read from `store` (never mutate what it hands out); the cache is complete once hasSynced().
 * Handlers run synchronously in event order; one that throws is logged and does not stop the others.
 */
export class Informer<T extends KubeObject = KubeObject> implements ReflectorSink<T> {
  readonly store: Indexer<T>;
  private readonly handlers: EventHandlers<T>[] = [];
  private readonly reflector: Reflector<T>;
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;

  constructor(
    client: RestClient,
    readonly ref: ResourceRef,
    private readonly options: InformerOptions<T> = {},
  ) {
    this.store = new Indexer<T>(options.indexers);
    this.reflector = new Reflector<T>(client, ref, this, options);
  }

  /** Adds handlers; if the cache already holds objects, onAdd is called for each of them first. */
  addEventHandler(handlers: EventHandlers<T>): void {
    this.handlers.push(handlers);
    if (handlers.onAdd) for (const obj of this.store.list()) this.call(() => handlers.onAdd!(obj));
  }

  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    this.store.addIndexers(indexers);
  }

  /** Starts list-and-watch in the background (once; later calls do nothing). */
  start(): void {
    if (this.running) return;
    this.abort = new AbortController();
    this.running = this.reflector.run(this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await this.running;
    for (const w of this.syncWaiters.splice(0)) w();
  }

  hasSynced(): boolean {
    return this.synced;
  }

  get lastSyncResourceVersion(): string | undefined {
    return this.reflector.lastSyncResourceVersion;
  }

  /** Resolves once the first list is in the cache (or the informer stops); rejects after timeoutMs. */
  waitForSync(timeoutMs = 60_000): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`informer for ${this.ref.resource} did not sync within ${timeoutMs} ms`)), timeoutMs);
      this.syncWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  replace(items: T[], _resourceVersion: string): void {
    const seen = new Set<string>();
    for (const obj of items) {
      seen.add(objectKey(obj));
      this.apply(obj);
    }
    for (const key of this.store.keys()) {
      if (seen.has(key)) continue;
      const gone = this.store.remove(key)!;
      this.emit((h) => h.onDelete?.(gone));
    }
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  added(obj: T): void {
    this.apply(obj);
  }

  modified(obj: T): void {
    this.apply(obj);
  }

  deleted(obj: T): void {
    const old = this.store.remove(objectKey(obj));
    this.emit((h) => h.onDelete?.(old ?? obj));
  }

  private apply(obj: T): void {
    const old = this.store.upsert(obj);
    if (!old) this.emit((h) => h.onAdd?.(obj));
    else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emit((h) => h.onUpdate?.(old, obj));
  }

  private emit(fn: (h: EventHandlers<T>) => void): void {
    for (const h of this.handlers) this.call(() => fn(h));
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.options.logger?.error('informer event handler failed', { resource: this.ref.resource, error: String((err as Error).stack ?? err) });
    }
  }
}
