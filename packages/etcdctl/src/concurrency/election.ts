import type { Header, KeyValue, KvClient, WatchEvent } from '@flotilla/kvstore/client';
import { ContextCanceled } from './canceled.js';
import { b64, firstOrLastCreated, leaseText, sessionKey, type Json } from './keys.js';
import type { Session } from './session.js';
import { waitDeletes } from './wait-deletes.js';

export class ElectionNotLeader extends Error {
  constructor() {
    super('election: not leader');
    this.name = 'ElectionNotLeader';
  }
}

/**
 * clientv3/concurrency's Election. Each candidate puts `<name>/<lease hex>` under its
 * session lease; the candidate whose key was created first leads, and the others each wait
 * for every older key to be deleted. The same layout as etcd's, so candidates of this
 * etcdctl and of etcd's own take part in the same election.
 */
export class Election {
  private readonly prefix: string;
  private leaderKey = '';
  private leaderRev = 0;
  private leading = false;

  constructor(
    private readonly session: Session,
    name: string,
  ) {
    this.prefix = `${name}/`;
  }

  /** The leader key once elected, '' otherwise. */
  get key(): string {
    return this.leaderKey;
  }

  /** Puts this candidate's proposal and waits to lead; interrupted, it resigns and throws ContextCanceled. */
  async campaign(value: string, signal?: AbortSignal): Promise<void> {
    const client = this.session.client;
    const key = sessionKey(this.prefix, this.session.lease);
    const resp = await client.call('/v3/kv/txn', {
      compare: [{ key: b64(key), target: 'CREATE', result: 'EQUAL', create_revision: '0' }],
      success: [{ request_put: { key: b64(key), value: b64(value), lease: leaseText(this.session.lease) } }],
      failure: [{ request_range: { key: b64(key) } }],
    });
    this.leaderKey = key;
    this.leaderRev = Number(resp.header?.revision ?? 0);
    this.leading = true;
    if (resp.succeeded !== true) {
      const kv: Json = resp.responses?.[0]?.response_range?.kvs?.[0] ?? {};
      this.leaderRev = Number(kv.create_revision ?? 0);
      if (Buffer.from(kv.value ?? '', 'base64').toString('utf8') !== value) {
        try {
          await this.proclaim(value);
        } catch (err) {
          await this.resign().catch(() => undefined);
          throw err;
        }
      }
    }
    try {
      await waitDeletes(client, this.prefix, this.leaderRev - 1, signal);
    } catch (err) {
      if (err instanceof ContextCanceled) await this.resign();
      else this.leading = false;
      throw err;
    }
  }

  /** Replaces the leader's proposal, if this candidate's key is still the one it created. */
  async proclaim(value: string): Promise<void> {
    if (!this.leading) throw new ElectionNotLeader();
    const resp = await this.session.client.call('/v3/kv/txn', {
      compare: [{ key: b64(this.leaderKey), target: 'CREATE', result: 'EQUAL', create_revision: String(this.leaderRev) }],
      success: [{ request_put: { key: b64(this.leaderKey), value: b64(value), lease: leaseText(this.session.lease) } }],
    });
    if (resp.succeeded !== true) {
      this.leaderKey = '';
      throw new ElectionNotLeader();
    }
  }

  /** Deletes this candidate's key, if it is still the one it created. */
  async resign(): Promise<void> {
    if (!this.leading) return;
    const key = this.leaderKey;
    this.leaderKey = '';
    this.leading = false;
    await this.session.client.call('/v3/kv/txn', {
      compare: [{ key: b64(key), target: 'CREATE', result: 'EQUAL', create_revision: String(this.leaderRev) }],
      success: [{ request_delete_range: { key: b64(key) } }],
    });
  }

  /**
   * Calls `onLeader` with every leader and every proposal it makes, as Election.Observe: the
   * oldest key under the prefix (waiting for one to be put if there is none), then each
   * change of it until it is deleted, then the next leader. Returns when `signal` fires;
   * throws if the server ends a watch or a range fails.
   */
  async observe(onLeader: (resp: Json) => void, signal: AbortSignal): Promise<void> {
    const client = this.session.client;
    while (!signal.aborted) {
      const got = await client.call('/v3/kv/range', firstOrLastCreated(this.prefix, 'ASCEND'));
      let leader: { header: Json; kv: Json };
      if ((got.kvs ?? []).length === 0) {
        const first = await nextEvent(client.watch.bind(client), this.prefix, { prefix: true, startRevision: Number(got.header?.revision ?? 0) }, (e) => e.type === 'PUT', signal);
        if (!first) return;
        leader = { header: { ...headerJson(first.header), revision: String(first.event.kv.modRevision) }, kv: kvJson(first.event.kv) };
      } else {
        leader = { header: got.header, kv: got.kvs[0] };
      }
      onLeader(getResponse(leader.header, leader.kv));
      const key = Buffer.from(leader.kv.key, 'base64');
      const deleted = await watchUntilDeleted(client.watch.bind(client), key, Number(leader.header.revision) + 1, (header, kv) => onLeader(getResponse(headerJson(header), kvJson(kv), got)), signal);
      if (!deleted) return;
    }
  }
}

type WatchFn = KvClient['watch'];

/** The first event that `accept` takes from a watch; undefined when interrupted. */
function nextEvent(watch: WatchFn, key: string, opts: Parameters<WatchFn>[1], accept: (e: WatchEvent) => boolean, signal: AbortSignal): Promise<{ header: Header; event: WatchEvent } | undefined> {
  return new Promise((resolve, reject) => {
    // An interrupt during the range before this watch: an aborted signal fires no more events.
    if (signal.aborted) return resolve(undefined);
    const onAbort = () => {
      w.cancel();
      resolve(undefined);
    };
    const w = watch(key, opts, (events, header) => {
      const event = events.find(accept);
      if (event) {
        signal.removeEventListener('abort', onAbort);
        w.cancel();
        resolve({ header, event });
      }
    });
    signal.addEventListener('abort', onAbort, { once: true });
    w.done.then(() => {
      signal.removeEventListener('abort', onAbort);
      reject(new Error('elect: observer lost'));
    }, reject);
  });
}

/** Reports each put of `key` until it is deleted (true) or the signal fires (false). */
function watchUntilDeleted(watch: WatchFn, key: Uint8Array, from: number, onPut: (header: Header, kv: KeyValue) => void, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return resolve(false);
    const onAbort = () => {
      w.cancel();
      resolve(false);
    };
    let ended = false;
    const w = watch(key, { startRevision: from }, (events, header) => {
      for (const e of events) {
        if (ended) return;
        if (e.type === 'DELETE') {
          ended = true;
          signal.removeEventListener('abort', onAbort);
          w.cancel();
          resolve(true);
          return;
        }
        onPut(header, e.kv);
      }
    });
    signal.addEventListener('abort', onAbort, { once: true });
    w.done.then(() => {
      signal.removeEventListener('abort', onAbort);
      reject(new Error('elect: observer lost'));
    }, reject);
  });
}

const num = (n: number | bigint) => (n ? String(n) : undefined);

function headerJson(h: Header): Json {
  return { cluster_id: num(h.clusterId), member_id: num(h.memberId), revision: num(h.revision), raft_term: num(h.raftTerm) };
}

function kvJson(kv: KeyValue): Json {
  return { key: b64(kv.key), create_revision: num(kv.createRevision), mod_revision: num(kv.modRevision), version: num(kv.version), value: kv.value.length ? b64(kv.value) : undefined, lease: num(kv.lease) };
}

/** A GetResponse of one key, its fields in Go's order; `from` lends its count and more, as Observe reuses its range response. */
function getResponse(header: Json, kv: Json, from?: Json): Json {
  return JSON.parse(JSON.stringify({ header, kvs: [kv], more: from?.more, count: from?.count }));
}
