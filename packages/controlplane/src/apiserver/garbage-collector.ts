import { type KubeObject, type OwnerReference } from '../api/object.js';
import { FOREGROUND_FINALIZER, gcAction, ORPHAN_FINALIZER, type OwnerState } from '../api/ownership.js';
import { resourceOfKind } from '../api/resources.js';
import { ADMIN } from './auth-gate.js';
import type { Logger } from './log.js';
import type { ResourceRegistry, WriteContext } from './registry/registry.js';
import { StatusError } from './status-error.js';
import type { CacheEvent } from './watch-cache/event-window.js';
import type { Subscription } from './watch-cache/watch-cache.js';

const CONTEXT: WriteContext = { user: ADMIN, dryRun: false, fieldManager: 'garbage-collector' };

/** An object to look at again: its owners may be gone, or its deletion finalizers may be done. */
type Task = { readonly registry: ResourceRegistry; readonly object: KubeObject };

const isNotFound = (err: unknown) => err instanceof StatusError && err.code === 404;

/**
 * Cascading deletion by ownerReferences for an apiserver without kube-controller-manager
 * (`--run-builtin-controllers`), driven by its watch caches: what to do with an object is
 * `gcAction`'s decision, the controller-manager's garbage collector's too. An owner missing
 * from a cache is confirmed missing by a read from the store before anything is deleted (the
 * caches of two resources follow the store independently, so a dependent may be seen before
 * its owner).
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
      if (this.owners.delete(obj.metadata.uid!)) for (const d of this.dependentsOf(obj.metadata.uid!)) this.enqueue(d);
      for (const ref of obj.metadata.ownerReferences ?? []) {
        const owner = this.cached(ref, obj.metadata.namespace ?? '');
        if (owner?.object.metadata.deletionTimestamp) this.enqueue(owner);
      }
      return;
    }
    for (const ref of obj.metadata.ownerReferences ?? []) this.owners.add(ref.uid);
    const finalizers = obj.metadata.finalizers ?? [];
    const finishing = obj.metadata.deletionTimestamp && (finalizers.includes(FOREGROUND_FINALIZER) || finalizers.includes(ORPHAN_FINALIZER));
    if (finishing || (e.type === 'ADDED' && (obj.metadata.ownerReferences ?? []).length > 0)) this.enqueue({ registry, object: obj });
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
          await this.process(task.registry, task.object);
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

  /** Acts on one object as gcAction decides, from the caches (and the store for owners not cached). */
  private async process(registry: ResourceRegistry, seen: KubeObject): Promise<void> {
    const namespace = seen.metadata.namespace ?? '';
    const obj = registry.cache.get(registry.key(registry.resource.namespaced ? namespace : '', seen.metadata.name!))?.object;
    if (!obj || obj.metadata.uid !== seen.metadata.uid) return; // gone, or replaced by a namesake
    // Only an object being deleted acts on its dependents; the scan over every cache is for it alone.
    const dependents = obj.metadata.deletionTimestamp ? this.dependentsOf(obj.metadata.uid!) : [];
    const confirmed = new Map<string, OwnerState>();
    const state = (ref: OwnerReference): OwnerState => confirmed.get(ref.uid) ?? (this.cached(ref, namespace) ? 'present' : 'unknown');
    let action = gcAction(obj, dependents.map((d) => d.object), state);
    if (action.kind === 'confirm') {
      for (const owner of action.owners) confirmed.set(owner.uid, (await this.ownerExists(owner, namespace)) ? 'present' : 'absent');
      action = gcAction(obj, dependents.map((d) => d.object), state);
    }
    const registryOfDependent = (d: KubeObject) => dependents.find((x) => x.object === d)!.registry;
    switch (action.kind) {
      case 'delete':
        try {
          await registry.delete(namespace, obj.metadata.name!, { propagationPolicy: 'Background', preconditions: { uid: obj.metadata.uid } }, CONTEXT);
          this.log.info('garbage collected', { kind: obj.kind, namespace, name: obj.metadata.name });
        } catch (err) {
          // Gone already, or replaced by a new object of the same name (the uid precondition): nothing to do.
          if (!isNotFound(err) && !(err instanceof StatusError && err.code === 409)) throw err;
        }
        return;
      case 'delete-dependents':
        // Their deletions come back as events; the last one brings this owner back here.
        for (const d of action.dependents) {
          await registryOfDependent(d).delete(d.metadata.namespace ?? '', d.metadata.name!, { propagationPolicy: 'Foreground' }, CONTEXT).catch((err: unknown) => {
            if (!isNotFound(err)) throw err;
          });
        }
        return;
      case 'orphan-dependents':
        for (const d of action.dependents) {
          await registryOfDependent(d).modify(d.metadata.namespace ?? '', d.metadata.name!, CONTEXT, '', (current) => {
            const ownerReferences = (current.metadata.ownerReferences ?? []).filter((r) => r.uid !== obj.metadata.uid);
            return { ...current, metadata: { ...current.metadata, ownerReferences: ownerReferences.length > 0 ? ownerReferences : undefined } };
          });
        }
        // Those writes are acknowledged: the finalizer can go now, without waiting for the caches.
        return this.dropFinalizer(registry, obj, ORPHAN_FINALIZER);
      case 'drop-finalizer':
        return this.dropFinalizer(registry, obj, action.finalizer);
      default:
        return;
    }
  }

  private async dropFinalizer(registry: ResourceRegistry, obj: KubeObject, finalizer: string): Promise<void> {
    await registry.modify(obj.metadata.namespace ?? '', obj.metadata.name!, CONTEXT, '', (current) => ({
      ...current,
      metadata: { ...current.metadata, finalizers: (current.metadata.finalizers ?? []).filter((f) => f !== finalizer) },
    }));
  }
}
