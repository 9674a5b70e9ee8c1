import { randomUUID } from 'node:crypto';
import { applyDefaults } from '../../api/defaults/index.js';
import { type KubeObject, jsonEqual, nowTimestamp } from '../../api/object.js';
import { type ResourceInfo, resourceApiVersion } from '../../api/resources.js';
import { validateObject } from '../../api/validation/index.js';
import type { AdmissionChain, Operation } from '../admission/admission.js';
import type { UserInfo } from '../auth-gate.js';
import { listPrefix, objectKey } from '../storage/keys.js';
import type { ObjectStore, StoredObject } from '../storage/object-store.js';
import { StatusError, alreadyExists, badRequest, conflict, invalid, notFound, staleConflict } from '../status-error.js';
import type { WatchCache } from '../watch-cache/watch-cache.js';
import { type ListOptions, type ListResult, listObjects } from './list.js';
import { generatedName, recordManager } from './metadata.js';
import type { DeleteOptions, ResourceStrategy } from './strategy.js';

/** Who writes, and how: carried from the HTTP request into the registry. */
export interface WriteContext {
  readonly user: UserInfo;
  readonly dryRun: boolean;
  readonly fieldManager: string;
  /** How managedFields records the write: Update, or Apply for server-side apply (default Update). */
  readonly operation?: 'Update' | 'Apply';
}

/** A compare-and-swap lost to a concurrent writer: retried, or a 409 if the client named a resourceVersion. */
class LostRace extends Error {}

const MAX_ATTEMPTS = 8;

/** Everything but metadata and status: what a change of bumps metadata.generation. */
function specOf(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

/** Two versions are the same write if they differ at most in resourceVersion and managedFields. */
function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined, managedFields: undefined } });
  return jsonEqual(strip(a), strip(b));
}

/**
 * The generic registry of one resource: get, list, create, update, delete and
 * deletecollection by Kubernetes' rules, on the store's compare-and-swap writes. What is
 * particular to a kind comes from its strategy, defaulting, validation and admission.
 */
export class ResourceRegistry {
  readonly apiVersion: string;

  constructor(
    readonly resource: ResourceInfo,
    private readonly store: ObjectStore,
    readonly cache: WatchCache,
    readonly strategy: ResourceStrategy,
    private readonly admission: AdmissionChain,
  ) {
    this.apiVersion = resourceApiVersion(resource);
  }

  private get qualified() {
    return { group: this.resource.group, resource: this.resource.resource };
  }

  key(namespace: string, name: string): string {
    return objectKey(this.resource, namespace, name);
  }

  private async current(namespace: string, name: string): Promise<StoredObject> {
    const stored = await this.store.get(this.key(namespace, name), this.resource.resource);
    if (!stored) throw notFound(this.qualified, name);
    return stored;
  }

  /** Reads one object: from the store, or from the watch cache for resourceVersion "0". */
  async get(namespace: string, name: string, resourceVersion = ''): Promise<KubeObject> {
    if (resourceVersion === '0') {
      const cached = this.cache.get(this.key(namespace, name));
      if (!cached) throw notFound(this.qualified, name);
      return cached.object;
    }
    return (await this.current(namespace, name)).object;
  }

  async list(namespace: string, options: ListOptions): Promise<ListResult> {
    return listObjects(this.store, this.cache, this.strategy, listPrefix(this.resource, namespace), options, this.resource.resource);
  }

  /** The body's kind, apiVersion, name and namespace must agree with the URL. */
  private checkBody(body: KubeObject, namespace: string, name?: string): void {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the body of the request was not a JSON object');
    body.metadata ??= {};
    if (body.kind !== undefined && body.kind !== this.resource.kind) {
      throw badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${this.apiVersion})`);
    }
    if (body.apiVersion !== undefined && body.apiVersion !== this.apiVersion) {
      throw badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${this.apiVersion})`);
    }
    if (this.resource.namespaced) {
      if (!body.metadata.namespace) body.metadata.namespace = namespace;
      else if (body.metadata.namespace !== namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (name !== undefined) {
      if (!body.metadata.name) body.metadata.name = name;
      else if (body.metadata.name !== name) throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    }
    body.apiVersion = this.apiVersion;
    body.kind = this.resource.kind;
  }

  private async admit(operation: Operation, subresource: string, obj: KubeObject | undefined, old: KubeObject | undefined, namespace: string, name: string, user: UserInfo) {
    await this.admission.admit({ operation, resource: this.resource, subresource, namespace, name, object: obj, oldObject: old, user });
  }

  private validate(obj: KubeObject, old?: KubeObject): void {
    const errors = validateObject(this.resource.kind, this.resource.namespaced, obj, old);
    if (errors.length > 0) throw invalid(this.resource.kind, this.resource.group, obj.metadata.name ?? obj.metadata.generateName ?? '', errors);
  }

  async create(namespace: string, body: KubeObject, ctx: WriteContext): Promise<KubeObject> {
    this.checkBody(body, namespace);
    const obj = structuredClone(body);
    const meta = obj.metadata;
    if (meta.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
    if (!meta.name && meta.generateName) meta.name = generatedName(meta.generateName);
    meta.uid = randomUUID();
    meta.creationTimestamp = nowTimestamp();
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (this.strategy.tracksGeneration) meta.generation = 1;
    else delete meta.generation;
    this.strategy.prepareForCreate(obj);
    applyDefaults(this.resource.kind, obj);
    await this.admit('CREATE', '', obj, undefined, namespace, meta.name ?? '', ctx.user);
    // Names are checked before anything is allocated for the object.
    this.validate(obj);
    await this.strategy.beforeCreate?.(obj);
    try {
      this.validate(obj);
      recordManager(obj, ctx.fieldManager, ctx.operation ?? 'Update', this.apiVersion, '');
      if (ctx.dryRun) {
        await this.strategy.abortCreate?.(obj);
        return obj;
      }
      const result = await this.store.create(this.key(namespace, meta.name!), obj, this.resource.resource);
      if (!result.ok) throw alreadyExists(this.qualified, meta.name!);
      await this.strategy.afterCreate?.(result.stored.object);
      return result.stored.object;
    } catch (err) {
      await this.strategy.abortCreate?.(obj);
      throw err;
    }
  }

  /** Runs `attempt` again when it lost a compare-and-swap race, if the client allowed retries. */
  private async retrying<T>(name: string, retry: boolean, attempt: () => Promise<T>): Promise<T> {
    for (let i = 1; ; i++) {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof LostRace)) throw err;
        if (!retry || i >= MAX_ATTEMPTS) throw staleConflict(this.qualified, name);
      }
    }
  }

  /** PUT: replaces the object; a stale resourceVersion is a 409 Conflict. */
  async update(namespace: string, name: string, body: KubeObject, ctx: WriteContext): Promise<{ object: KubeObject; created: boolean }> {
    this.checkBody(body, namespace, name);
    const expected = body.metadata.resourceVersion;
    return this.retrying(name, !expected, async () => {
      const current = await this.store.get(this.key(namespace, name), this.resource.resource);
      if (!current) {
        if (this.strategy.allowCreateOnUpdate) {
          const { resourceVersion: _rv, ...metadata } = body.metadata;
          return { object: await this.create(namespace, { ...body, metadata }, ctx), created: true };
        }
        throw notFound(this.qualified, name);
      }
      if (expected && expected !== String(current.revision)) throw new LostRace();
      return { object: await this.write(current, structuredClone(body), ctx, ''), created: false };
    });
  }

  /**
   * PATCH, subresource writes and other read-modify-writes: `change` turns the current object
   * into the new one; lost races are retried on a fresh read unless the result names a
   * resourceVersion (then a stale one is a 409 Conflict).
   */
  async modify(namespace: string, name: string, ctx: WriteContext, subresource: string, change: (current: KubeObject) => KubeObject | Promise<KubeObject>): Promise<KubeObject> {
    return this.retrying(name, true, async () => {
      const current = await this.current(namespace, name);
      const next = await change(structuredClone(current.object));
      this.checkBody(next, namespace, name);
      // A result that names a resourceVersion pins the write to it: no retry on a fresh read.
      const expected = next.metadata.resourceVersion;
      if (expected && expected !== String(current.revision)) throw staleConflict(this.qualified, name);
      try {
        return await this.write(current, next, ctx, subresource);
      } catch (err) {
        if (err instanceof LostRace && expected) throw staleConflict(this.qualified, name);
        throw err;
      }
    });
  }

  /** The update path shared by PUT and PATCH: system fields kept, defaulted, admitted, validated, swapped. */
  private async write(current: StoredObject, body: KubeObject, ctx: WriteContext, subresource: string): Promise<KubeObject> {
    const old = current.object;
    // Subresource writes (status, scale, binding, finalize) arrive built from the current
    // object by their handler; only main-resource writes get the strategy's carry-over.
    const obj = body;
    if (subresource === '') this.strategy.prepareForUpdate(obj, old);
    const meta = obj.metadata;
    meta.uid = old.metadata.uid;
    meta.creationTimestamp = old.metadata.creationTimestamp;
    meta.deletionTimestamp = old.metadata.deletionTimestamp;
    meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
    meta.managedFields = old.metadata.managedFields;
    if (meta.deletionTimestamp === undefined) delete meta.deletionTimestamp;
    if (meta.deletionGracePeriodSeconds === undefined) delete meta.deletionGracePeriodSeconds;
    if (old.metadata.deletionTimestamp && (meta.finalizers ?? []).some((f) => !(old.metadata.finalizers ?? []).includes(f))) {
      throw invalid(this.resource.kind, this.resource.group, meta.name ?? '', [
        { type: 'FieldValueForbidden', field: 'metadata.finalizers', detail: 'Forbidden: no new finalizers can be added if the object is being deleted' },
      ]);
    }
    delete meta.resourceVersion;
    applyDefaults(this.resource.kind, obj);
    await this.strategy.beforeUpdate?.(obj, old);
    await this.admit('UPDATE', subresource, obj, old, meta.namespace ?? '', meta.name ?? '', ctx.user);
    this.validate(obj, subresource === '' ? old : undefined);
    if (this.strategy.tracksGeneration) {
      const generation = old.metadata.generation ?? 1;
      meta.generation = jsonEqual(specOf(obj), specOf(old)) ? generation : generation + 1;
    }
    if (sameContent(obj, old)) return old;
    recordManager(obj, ctx.fieldManager, ctx.operation ?? 'Update', this.apiVersion, subresource);
    if (ctx.dryRun) return { ...obj, metadata: { ...meta, resourceVersion: old.metadata.resourceVersion } };
    // An object marked for deletion whose last finalizer just went is deleted, not updated
    // (unless its grace period still runs, or its strategy still holds it).
    const lastFinalizerRemoved = (old.metadata.finalizers ?? []).length > 0 && (meta.finalizers ?? []).length === 0;
    if (meta.deletionTimestamp && lastFinalizerRemoved && !(meta.deletionGracePeriodSeconds! > 0) && !this.strategy.beforeDelete?.(structuredClone(obj))) {
      const deleted = await this.store.delete(current.key, current.revision, this.resource.resource);
      if (!deleted.ok) throw new LostRace();
      await this.strategy.afterDelete?.(obj);
      return { ...obj, metadata: { ...meta, resourceVersion: String(deleted.revision) } };
    }
    const result = await this.store.update(current.key, obj, current.revision, this.resource.resource);
    if (!result.ok) throw new LostRace();
    return result.stored.object;
  }

  /**
   * DELETE: at once when nothing holds the object, else marked (deletionTimestamp) until
   * its finalizers are gone or its grace period is over. `finished` tells which.
   */
  async delete(namespace: string, name: string, options: DeleteOptions, ctx: WriteContext): Promise<{ object: KubeObject; finished: boolean }> {
    return this.retrying(name, true, async () => {
      const current = await this.current(namespace, name);
      const obj = structuredClone(current.object);
      const pre = options.preconditions;
      if (pre?.uid && pre.uid !== obj.metadata.uid) {
        throw conflict(this.qualified, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== String(current.revision)) {
        throw conflict(this.qualified, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.revision}`);
      }
      await this.admit('DELETE', '', undefined, obj, namespace, name, ctx.user);
      const meta = obj.metadata;
      const finalizers = [...(meta.finalizers ?? [])];
      const add = options.propagationPolicy === 'Orphan' ? 'orphan' : options.propagationPolicy === 'Foreground' ? 'foregroundDeletion' : undefined;
      if (add && !finalizers.includes(add) && !meta.deletionTimestamp) finalizers.push(add);
      const grace = this.strategy.gracePeriodFor(obj, options);
      const held = this.strategy.beforeDelete?.(obj) ?? false;

      if (finalizers.length === 0 && grace === 0 && !held) {
        if (!ctx.dryRun) {
          const deleted = await this.store.delete(current.key, current.revision, this.resource.resource);
          if (!deleted.ok) throw new LostRace();
          await this.strategy.afterDelete?.(obj);
        }
        return { object: obj, finished: true };
      }
      const now = Date.now();
      const shorter = meta.deletionGracePeriodSeconds === undefined || grace < meta.deletionGracePeriodSeconds;
      if (!meta.deletionTimestamp || shorter) {
        meta.deletionTimestamp = nowTimestamp(now + grace * 1000);
        meta.deletionGracePeriodSeconds = grace;
      }
      meta.finalizers = finalizers.length > 0 ? finalizers : undefined;
      if (meta.finalizers === undefined) delete meta.finalizers;
      delete meta.resourceVersion;
      if (sameContent(obj, current.object) || ctx.dryRun) return { object: current.object, finished: false };
      const result = await this.store.update(current.key, obj, current.revision, this.resource.resource);
      if (!result.ok) throw new LostRace();
      return { object: result.stored.object, finished: false };
    });
  }

  /** DELETE on the collection: every object the selectors pick, one by one. */
  async deleteCollection(namespace: string, listOptions: ListOptions, options: DeleteOptions, ctx: WriteContext): Promise<KubeObject[]> {
    const { items } = await this.list(namespace, { ...listOptions, limit: 0, continue: '' });
    const deleted: KubeObject[] = [];
    for (const item of items) {
      try {
        deleted.push((await this.delete(item.metadata.namespace ?? '', item.metadata.name!, options, ctx)).object);
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
    }
    return deleted;
  }
}
