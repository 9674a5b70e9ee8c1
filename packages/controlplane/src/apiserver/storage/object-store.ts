import { EtcdClientError, type KeyValue, type KvClient } from '@flotilla/kvstore/client';
import type { KubeObject } from '../../api/object.js';
import type { ApiserverMetrics } from '../metrics.js';
import { StatusError, internalError, timeout } from '../status-error.js';

/** An object as read from the store: its key and the revision that last wrote it. */
export interface StoredObject {
  readonly key: string;
  readonly object: KubeObject;
  /** The key's mod_revision: the object's resourceVersion. */
  readonly revision: number;
}

/** The answer of a compare-and-swap write: the new state, or what was found instead. */
export type WriteResult = { readonly ok: true; readonly stored: StoredObject } | { readonly ok: false; readonly current: StoredObject | undefined };

export interface ListPage {
  readonly items: StoredObject[];
  /** The store revision the page was read at (the list's resourceVersion). */
  readonly revision: number;
  readonly more: boolean;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const fromB64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64');

/** Objects are stored as JSON without their resourceVersion, which is the key's mod_revision. */
export function encodeObject(object: KubeObject): string {
  const { resourceVersion: _rv, ...metadata } = object.metadata;
  return JSON.stringify({ ...object, metadata });
}

export function decodeObject(key: string, value: Uint8Array | Buffer, revision: number): StoredObject {
  const object = JSON.parse(Buffer.from(value).toString('utf8')) as KubeObject;
  object.metadata.resourceVersion = String(revision);
  return { key, object, revision };
}

const decodeKv = (kv: KeyValue) => decodeObject(Buffer.from(kv.key).toString('utf8'), kv.value, kv.modRevision);
const decodeJsonKv = (kv: Record<string, string>) => decodeObject(fromB64(kv.key).toString('utf8'), fromB64(kv.value), Number(kv.mod_revision));

/** etcd's "required revision has been compacted". */
export function isCompacted(err: unknown): boolean {
  return err instanceof EtcdClientError && err.code === 11;
}

/**
 * The registry's view of the kvstore: JSON objects under keys, every write a txn that
 * compares the key's revision first, so concurrent writers can never overwrite each other
 * unseen. Store failures become Status errors here, once.
 */
export class ObjectStore {
  constructor(
    readonly client: KvClient,
    private readonly metrics: ApiserverMetrics,
  ) {}

  private async call<T>(operation: string, type: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.metrics.timeStore(operation, type, fn);
    } catch (err) {
      if (err instanceof StatusError || isCompacted(err)) throw err;
      if (err instanceof EtcdClientError && err.retryable) throw timeout(`etcd: ${err.message}`);
      throw internalError((err as Error).message);
    }
  }

  async get(key: string, type: string): Promise<StoredObject | undefined> {
    const r = await this.call('get', type, () => this.client.get(key));
    return r.kvs[0] ? decodeKv(r.kvs[0]) : undefined;
  }

  /** One page of keys from `from` (inclusive) up to the end of `prefix`, at `revision` (0: latest). */
  async list(prefix: string, from: string, limit: number, revision: number, type: string): Promise<ListPage> {
    const r = await this.call('list', type, () =>
      this.client.get(from, { rangeEnd: prefixEndOf(prefix), limit: limit > 0 ? limit : undefined, revision: revision || undefined }),
    );
    return { items: r.kvs.map(decodeKv), revision: revision || r.header.revision, more: r.more };
  }

  /** The store's current revision, read linearizably. */
  async revision(): Promise<number> {
    const r = await this.call('get', 'revision', () => this.client.get('/registry/', { countOnly: true, limit: 1 }));
    return r.header.revision;
  }

  /** Writes a new key; fails (ok: false) if the key exists. */
  async create(key: string, object: KubeObject, type: string): Promise<WriteResult> {
    return this.call('create', type, () => this.swap(key, object, { target: 'CREATE', create_revision: '0' }));
  }

  /** Overwrites the key if its mod_revision is still `expected`. */
  async update(key: string, object: KubeObject, expected: number, type: string): Promise<WriteResult> {
    return this.call('update', type, () => this.swap(key, object, { target: 'MOD', mod_revision: String(expected) }));
  }

  /** Deletes the key if its mod_revision is still `expected`; `revision` is the deletion's. */
  async delete(key: string, expected: number, type: string): Promise<{ ok: true; revision: number } | { ok: false; current: StoredObject | undefined }> {
    return this.call('delete', type, async () => {
      const r = await this.client.txn({
        compare: [{ key: b64(key), result: 'EQUAL', target: 'MOD', mod_revision: String(expected) }],
        success: [{ request_delete_range: { key: b64(key) } }],
        failure: [{ request_range: { key: b64(key) } }],
      });
      if (r.succeeded) return { ok: true as const, revision: Number(r.header?.revision) };
      return { ok: false as const, current: currentOf(r) };
    });
  }

  private async swap(key: string, object: KubeObject, compare: Record<string, string>): Promise<WriteResult> {
    const value = encodeObject(object);
    const r = await this.client.txn({
      compare: [{ key: b64(key), result: 'EQUAL', ...compare }],
      success: [{ request_put: { key: b64(key), value: b64(value) } }],
      failure: [{ request_range: { key: b64(key) } }],
    });
    if (!r.succeeded) return { ok: false, current: currentOf(r) };
    return { ok: true, stored: decodeObject(key, Buffer.from(value), Number(r.header?.revision)) };
  }
}

function currentOf(txnResponse: Record<string, any>): StoredObject | undefined {
  const kv = txnResponse.responses?.[0]?.response_range?.kvs?.[0];
  return kv ? decodeJsonKv(kv) : undefined;
}

/** The end of a prefix range: the prefix with its last byte incremented (ours are ASCII and end in '/'). */
export function prefixEndOf(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
