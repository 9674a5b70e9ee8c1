import type { KubeObject, OwnerReference } from '../../api/object.js';
import { RESOURCES, resourceApiVersion, resourceOfKind } from '../../api/resources.js';
import type { Informer } from '../../client/informer/informer.js';
import { isConflict, isNotFound } from '../../client/rest/api-error.js';
import { objectKey, type ResourceRef } from '../../client/rest/resource-ref.js';
import { QueueController, type ControllerContext } from '../framework/controller.js';
import { gcAction, type OwnerState } from '../../api/ownership.js';

const refOf = (r: (typeof RESOURCES)[number]): ResourceRef => ({ group: r.group, version: r.version, resource: r.resource, namespaced: r.namespaced });

/**
 * The garbage collector over the API (Kubernetes' garbagecollector): informers on every stored
 * resource (events aside) build the ownership graph — which uids exist, and the dependents of each
 * uid. Keys are "<resource>|<namespace/name>". A dependent whose owners are all gone is deleted in
 * the background; owners held by foregroundDeletion or orphan finalizers are finished off.
 * An owner missing from the caches is confirmed missing by a GET before anything is deleted.
 */
export class GarbageCollectorController extends QueueController {
  static readonly NAME = 'garbagecollector';
  private readonly informers = new Map<string, { ref: ResourceRef; informer: Informer<KubeObject> }>();
  /** Every uid in the caches, to the key of its object. */
  private readonly byUid = new Map<string, string>();
  private readonly dependents = new Map<string, Set<string>>();

  constructor(ctx: ControllerContext, workers = 20) {
    super(GarbageCollectorController.NAME, ctx, workers);
    for (const r of RESOURCES) {
      if (!r.stored || !r.verbs.includes('watch') || r.resource === 'events') continue;
      const ref = refOf(r);
      const informer = ctx.informers.informerFor<KubeObject>(ref);
      const id = r.resource + (r.group ? `.${r.group}` : '');
      this.informers.set(id, { ref, informer });
      const keyOf = (o: KubeObject) => `${id}|${objectKey(o)}`;
      informer.addEventHandler({
        onAdd: (o) => this.observe(keyOf(o), o, true),
        onUpdate: (old, o) => {
          this.forgetEdges(keyOf(old), old);
          this.observe(keyOf(o), o, !!o.metadata.deletionTimestamp || JSON.stringify(old.metadata.ownerReferences) !== JSON.stringify(o.metadata.ownerReferences));
        },
        onDelete: (o) => {
          this.forgetEdges(keyOf(o), o);
          this.byUid.delete(o.metadata.uid ?? '');
          // Its dependents may be orphans now; owners waiting for it in the foreground may be done.
          for (const k of this.dependents.get(o.metadata.uid ?? '') ?? []) this.queue.add(k);
          for (const r of o.metadata.ownerReferences ?? []) this.enqueueUid(r.uid);
        },
      });
    }
  }

  protected caches() {
    return [...this.informers.values()].map((i) => i.informer);
  }

  private observe(key: string, o: KubeObject, changed: boolean): void {
    if (o.metadata.uid) this.byUid.set(o.metadata.uid, key);
    for (const r of o.metadata.ownerReferences ?? []) {
      let set = this.dependents.get(r.uid);
      if (!set) this.dependents.set(r.uid, (set = new Set()));
      set.add(key);
    }
    if (changed && ((o.metadata.ownerReferences ?? []).length > 0 || o.metadata.deletionTimestamp)) this.queue.add(key);
  }

  private forgetEdges(key: string, o: KubeObject): void {
    for (const r of o.metadata.ownerReferences ?? []) this.dependents.get(r.uid)?.delete(key);
  }

  private enqueueUid(uid: string): void {
    const key = this.byUid.get(uid);
    if (key && this.lookup(key)?.obj?.metadata.deletionTimestamp) this.queue.add(key);
  }

  private lookup(key: string): { ref: ResourceRef; obj: KubeObject | undefined } | undefined {
    const bar = key.indexOf('|');
    const entry = this.informers.get(key.slice(0, bar));
    return entry && { ref: entry.ref, obj: entry.informer.store.get(key.slice(bar + 1)) };
  }

  protected async sync(key: string): Promise<void> {
    const found = this.lookup(key);
    if (!found?.obj) return;
    const { ref, obj } = found;
    const { client } = this.ctx;
    const namespace = obj.metadata.namespace;
    const dependents = [...(this.dependents.get(obj.metadata.uid ?? '') ?? [])].map((k) => this.lookup(k)).filter((d): d is { ref: ResourceRef; obj: KubeObject } => !!d?.obj);
    const confirmed = new Map<string, OwnerState>();
    const state = (r: OwnerReference): OwnerState => confirmed.get(r.uid) ?? (this.byUid.has(r.uid) ? 'present' : 'unknown');
    let action = gcAction(obj, dependents.map((d) => d.obj), state);
    if (action.kind === 'confirm') {
      for (const owner of action.owners) confirmed.set(owner.uid, await this.ownerStateFromApi(owner, namespace));
      action = gcAction(obj, dependents.map((d) => d.obj), state);
    }
    const ignoreGone = (err: unknown) => {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    };
    const refFor = (o: KubeObject) => dependents.find((d) => d.obj === o)!.ref;
    switch (action.kind) {
      case 'delete':
        this.ctx.logger.info('garbage collecting an object whose owners are gone', { key });
        await client.delete(ref, obj.metadata.name!, { namespace, propagationPolicy: 'Background', preconditions: { uid: obj.metadata.uid } }).catch(ignoreGone);
        return;
      case 'delete-dependents':
        for (const d of action.dependents) await client.delete(refFor(d), d.metadata.name!, { namespace: d.metadata.namespace, propagationPolicy: 'Foreground', preconditions: { uid: d.metadata.uid } }).catch(ignoreGone);
        return;
      case 'orphan-dependents':
        for (const d of action.dependents) {
          const ownerReferences = (d.metadata.ownerReferences ?? []).filter((r) => r.uid !== obj.metadata.uid);
          await client.patch(refFor(d), d.metadata.name!, { metadata: { ownerReferences: ownerReferences.length ? ownerReferences : null } }, 'merge', { namespace: d.metadata.namespace }).catch(ignoreGone);
        }
        this.queue.addAfter(key, 200);
        return;
      case 'drop-finalizer': {
        const finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== action.finalizer);
        await client.update(ref, { ...obj, metadata: { ...obj.metadata, finalizers } }).catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
        return;
      }
      default:
        return;
    }
  }

  /** Whether an owner exists, by the apiserver: a kind we do not serve counts as present (never collect on its account). */
  private async ownerStateFromApi(owner: OwnerReference, namespace: string | undefined): Promise<OwnerState> {
    const info = resourceOfKind(owner.apiVersion, owner.kind);
    if (!info || resourceApiVersion(info) !== owner.apiVersion) return 'present';
    try {
      const current = await this.ctx.client.get(refOf(info), owner.name, { namespace: info.namespaced ? namespace : undefined });
      return current.metadata.uid === owner.uid ? 'present' : 'absent';
    } catch (err) {
      if (isNotFound(err)) return 'absent';
      throw err;
    }
  }
}
