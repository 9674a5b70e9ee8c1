import { type KubeObject, type OwnerReference } from '../api/object.js';
import { resourceOfKind } from '../api/resources.js';
import { ADMIN } from './auth-gate.js';
import type { Logger } from './log.js';
import type { ResourceRegistry, WriteContext } from './registry/registry.js';
import { StatusError } from './status-error.js';
import type { CacheEvent } from './watch-cache/event-window.js';
import type { Subscription } from './watch-cache/watch-cache.js';

const CONTEXT: WriteContext = { user: ADMIN, dryRun: false, fieldManager: 'garbage-collector' };

const FOREGROUND = 'foregroundDeletion';
const ORPHAN = 'orphan';

type Task = { readonly kind: 'dependent'; readonly object: KubeObject } | { readonly kind: 'owner'; readonly registry: ResourceRegistry; readonly object: KubeObject };

const isNotFound = (err: unknown) => err instanceof StatusError && err.code === 404;

/**
 * Cascading deletion by ownerReferences, what Kubernetes' garbage collector does: an object
 * whose owners are all gone is deleted (background propagation); an owner held by the
 * `foregroundDeletion` finalizer goes once its dependents are deleted; one held by `orphan`
 * goes once its dependents no longer name it. Until the controller-manager has its own, the
 * apiserver runs this one, driven by its watch caches. An owner missing from a cache is
 * confirmed missing by a read from the store before anything is deleted (the caches of two
 * resources follow the store independently, so a dependent may be seen before its owner).
 */
export class GarbageCollector {
  private readonly subscriptions: Subscription[] = [];
  private readonly queue: Task[] = [];
  private running = false;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  /** The uids some object names as its owner: only their deletion needs a scan for dependents. */
  private readonly owners = new Set<string>();

  constructor(
    private readonly registries: () => readonly ResourceRegistry[],
    private readonly log: Logger,
    private readonly retryMs = 1000,
  ) {}

  async start(): Promise<void> {
    for (const registry of this.registries()) {
      const cache = registry.cache;
      await cache.ready();
      this.subscriptions.push(cache.subscribe(cache.revision, { onEvent: (e) => this.observe(registry, e), onEnd: () => undefined }));
      for (const s of cache.list('')) this.observe(registry, { type: 'ADDED', key: s.key, object: s.object, revision: s.revision });
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    for (const s of this.subscriptions) s.cancel();
  }

  private observe(registry: ResourceRegistry, e: CacheEvent): void {
    const obj = e.object;
    if (e.type === 'DELETED') {
      // Its dependents may now be orphans; an owner waiting for it in the foreground may be done.
      if (this.owners.delete(obj.metadata.uid!)) for (const d of this.dependentsOf(obj.metadata.uid!)) this.enqueue({ kind: 'dependent', object: d.object });
      for (const ref of obj.metadata.ownerReferences ?? []) {
        const owner = this.cached(ref, obj.metadata.namespace ?? '');
        if (owner?.object.metadata.deletionTimestamp) this.enqueue({ kind: 'owner', ...owner });
      }
      return;
    }
    for (const ref of obj.metadata.ownerReferences ?? []) this.owners.add(ref.uid);
    const finalizers = obj.metadata.finalizers ?? [];
    if (obj.metadata.deletionTimestamp && (finalizers.includes(FOREGROUND) || finalizers.includes(ORPHAN))) this.enqueue({ kind: 'owner', registry, object: obj });
    if (e.type === 'ADDED' && (obj.metadata.ownerReferences ?? []).length > 0) this.enqueue({ kind: 'dependent', object: obj });
  }

  private enqueue(task: Task): void {
    if (this.stopped) return;
    this.queue.push(task);
    void this.drain();
  }

  /** One task at a time; a failed one is retried later (the store may be electing a leader). */
  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.stopped) {
        const task = this.queue.shift()!;
        try {
          if (task.kind === 'dependent') await this.collectIfOrphaned(task.object);
          else await this.finishOwner(task.registry, task.object);
        } catch (err) {
          this.log.warn('garbage collection failed; will retry', { name: task.object.metadata.name, error: String(err) });
          this.retry = setTimeout(() => this.enqueue(task), this.retryMs);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private registryOf(ref: { apiVersion: string; kind: string }): ResourceRegistry | undefined {
    const info = resourceOfKind(ref.apiVersion, ref.kind);
    return info && this.registries().find((r) => r.resource === info);
  }

  private cached(ref: OwnerReference, namespace: string): { registry: ResourceRegistry; object: KubeObject } | undefined {
    const registry = this.registryOf(ref);
    if (!registry) return undefined;
    const stored = registry.cache.get(registry.key(registry.resource.namespaced ? namespace : '', ref.name));
    return stored && stored.object.metadata.uid === ref.uid ? { registry, object: stored.object } : undefined;
  }

  private dependentsOf(uid: string): { registry: ResourceRegistry; object: KubeObject }[] {
    const found: { registry: ResourceRegistry; object: KubeObject }[] = [];
    for (const registry of this.registries()) {
      for (const s of registry.cache.list('')) if (s.object.metadata.ownerReferences?.some((r) => r.uid === uid)) found.push({ registry, object: s.object });
    }
    return found;
  }

  /** Whether the owner still exists, by the store (the source of truth), not a cache. */
  private async ownerExists(ref: OwnerReference, namespace: string): Promise<boolean> {
    if (this.cached(ref, namespace)) return true;
    const registry = this.registryOf(ref);
    if (!registry) return true; // an owner kind we do not serve: never collect on its account
    try {
      const owner = await registry.get(registry.resource.namespaced ? namespace : '', ref.name);
      return owner.metadata.uid === ref.uid;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  private async collectIfOrphaned(obj: KubeObject): Promise<void> {
    const refs = obj.metadata.ownerReferences ?? [];
    const namespace = obj.metadata.namespace ?? '';
    for (const ref of refs) if (await this.ownerExists(ref, namespace)) return;
    const registry = this.registryOf({ apiVersion: obj.apiVersion!, kind: obj.kind! });
    if (!registry || refs.length === 0) return;
    try {
      await registry.delete(namespace, obj.metadata.name!, { propagationPolicy: 'Background', preconditions: { uid: obj.metadata.uid } }, CONTEXT);
      this.log.info('garbage collected', { kind: obj.kind, namespace, name: obj.metadata.name });
    } catch (err) {
      // Gone already, or replaced by a new object of the same name (the uid precondition): nothing to do.
      if (!isNotFound(err) && !(err instanceof StatusError && err.code === 409)) throw err;
    }
  }

  /** An owner being deleted in the foreground or orphaning: act on its dependents, then drop the finalizer. */
  private async finishOwner(registry: ResourceRegistry, owner: KubeObject): Promise<void> {
    const namespace = owner.metadata.namespace ?? '';
    let current: KubeObject;
    try {
      current = await registry.get(namespace, owner.metadata.name!);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (current.metadata.uid !== owner.metadata.uid || !current.metadata.deletionTimestamp) return;
    const finalizers = current.metadata.finalizers ?? [];
    const dependents = this.dependentsOf(current.metadata.uid!);
    let done: string | undefined;
    if (finalizers.includes(ORPHAN)) {
      for (const d of dependents) {
        await d.registry.modify(d.object.metadata.namespace ?? '', d.object.metadata.name!, CONTEXT, '', (obj) => {
          const ownerReferences = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== current.metadata.uid);
          return { ...obj, metadata: { ...obj.metadata, ownerReferences: ownerReferences.length > 0 ? ownerReferences : undefined } };
        });
      }
      done = ORPHAN;
    } else if (finalizers.includes(FOREGROUND)) {
      for (const d of dependents) {
        if (d.object.metadata.deletionTimestamp) continue;
        await d.registry.delete(d.object.metadata.namespace ?? '', d.object.metadata.name!, { propagationPolicy: 'Foreground' }, CONTEXT).catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
      }
      // The dependents' deletions come back as events; the last one brings this owner back here.
      if (dependents.length === 0) done = FOREGROUND;
    }
    if (!done) return;
    const finalizer = done;
    await registry.modify(namespace, current.metadata.name!, CONTEXT, '', (obj) => ({
      ...obj,
      metadata: { ...obj.metadata, finalizers: (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer) },
    }));
  }
}
