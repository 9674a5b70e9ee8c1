import type { KubeObject } from '../../api/object.js';
import { objectKey } from '../rest/resource-ref.js';

/** Maps an object to the index values it is found under (e.g. its spec.nodeName). */
export type IndexFunc<T> = (obj: T) => readonly string[];

/** Objects by namespace: the index every informer has. */
export const NAMESPACE_INDEX = 'namespace';

/**
 * The informer's local cache: objects keyed "namespace/name", plus secondary indexes kept in step
 * on every write (invariant: for each index, value → keys holds exactly the keys whose object maps
 * to that value now).
 */
export class Indexer<T extends KubeObject = KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indexFuncs = new Map<string, IndexFunc<T>>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    this.addIndexers({ [NAMESPACE_INDEX]: (o) => (o.metadata.namespace ? [o.metadata.namespace] : []), ...indexers });
  }

  /** Adds indexes (the objects already stored are indexed at once). */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      this.indexFuncs.set(name, fn);
      const index = new Map<string, Set<string>>();
      this.indices.set(name, index);
      for (const [key, obj] of this.items) for (const value of fn(obj)) addTo(index, value, key);
    }
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  getByName(namespace: string | undefined, name: string): T | undefined {
    return this.items.get(namespace ? `${namespace}/${name}` : name);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  get size(): number {
    return this.items.size;
  }

  /** The objects whose index function yields value (e.g. byIndex('nodeName', 'node-1')). */
  byIndex(indexName: string, value: string): T[] {
    const index = this.indices.get(indexName);
    if (!index) throw new Error(`no index named ${indexName}`);
    return [...(index.get(value) ?? [])].map((k) => this.items.get(k)!);
  }

  /** Stores the object, answering what was there before. */
  upsert(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexFuncs) for (const value of fn(obj)) addTo(this.indices.get(name)!, value, key);
    return old;
  }

  /** Removes the object under key, answering it. */
  remove(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexFuncs) {
      const index = this.indices.get(name)!;
      for (const value of fn(obj)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}

function addTo(index: Map<string, Set<string>>, value: string, key: string): void {
  let keys = index.get(value);
  if (!keys) index.set(value, (keys = new Set()));
  keys.add(key);
}
