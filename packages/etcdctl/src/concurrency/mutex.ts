import { b64, firstOrLastCreated, leaseText, sessionKey, type Json } from './keys.js';
import type { Session } from './session.js';
import { waitDeletes } from './wait-deletes.js';

/**
 * clientv3/concurrency's Mutex: each waiter puts `<name>/<lease hex>` (empty value) under
 * its session lease, and the waiter whose key was created first holds the lock. The same
 * layout as etcd's, so this etcdctl's locks and etcd's exclude each other.
 */
export class Mutex {
  private readonly prefix: string;
  private myKey = '';
  private myRev = -1;
  private acquiredHeader: Json = {};

  constructor(
    private readonly session: Session,
    name: string,
  ) {
    this.prefix = `${name}/`;
  }

  get key(): string {
    return this.myKey;
  }

  /** The response header from the moment the lock was acquired (etcdctl exports its revision as ETCD_LOCK_REV). */
  get header(): Json {
    return this.acquiredHeader;
  }

  /** Queues for the lock and waits to hold it; interrupted, it leaves the queue and throws ContextCanceled. */
  async lock(signal?: AbortSignal): Promise<void> {
    const client = this.session.client;
    this.myKey = sessionKey(this.prefix, this.session.lease);
    const owner = { request_range: firstOrLastCreated(this.prefix, 'ASCEND') };
    const resp = await client.call('/v3/kv/txn', {
      compare: [{ key: b64(this.myKey), target: 'CREATE', result: 'EQUAL', create_revision: '0' }],
      success: [{ request_put: { key: b64(this.myKey), value: '', lease: leaseText(this.session.lease) } }, owner],
      failure: [{ request_range: { key: b64(this.myKey) } }, owner],
    });
    this.myRev = Number(resp.header?.revision ?? 0);
    if (resp.succeeded !== true) this.myRev = Number(resp.responses?.[0]?.response_range?.kvs?.[0]?.create_revision ?? 0);
    const holder: Json | undefined = resp.responses?.[1]?.response_range?.kvs?.[0];
    if (holder === undefined || Number(holder.create_revision ?? 0) === this.myRev) {
      this.acquiredHeader = resp.header ?? {};
      return;
    }
    try {
      this.acquiredHeader = await waitDeletes(client, this.prefix, this.myRev - 1, signal);
    } catch (err) {
      await this.unlock().catch(() => undefined);
      throw err;
    }
  }

  async unlock(): Promise<void> {
    await this.session.client.call('/v3/kv/deleterange', { key: b64(this.myKey) });
    this.myKey = '\x00';
    this.myRev = -1;
  }
}
