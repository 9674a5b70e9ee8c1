import { ClientConnections, isConnectionError, type OpenStream } from './connections.js';
import { RetryPolicy, sleep } from './retry-policy.js';
import { EtcdClientError, type Header, type KeyValue, type Member, type WatchEvent } from './types.js';
import { b64, header, keyValue, member, prefixEnd, toBytes, watchEvent } from './wire.js';

type Json = Record<string, any>;
type Key = Uint8Array | string;

export interface ClientOptions {
  readonly endpoints: readonly string[];
  /** How long one attempt may take to connect. Default 2 s (etcdctl's --dial-timeout). */
  readonly dialTimeoutMs?: number;
  /** How long a whole request may take, retries included. Default 5 s (etcdctl's --command-timeout). */
  readonly commandTimeoutMs?: number;
}

export interface GetOptions {
  readonly prefix?: boolean;
  readonly fromKey?: boolean;
  readonly rangeEnd?: Key;
  readonly limit?: number;
  readonly revision?: number;
  readonly sortOrder?: 'NONE' | 'ASCEND' | 'DESCEND';
  readonly sortTarget?: 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';
  readonly serializable?: boolean;
  readonly keysOnly?: boolean;
  readonly countOnly?: boolean;
}

export interface WatchOptions {
  readonly prefix?: boolean;
  readonly rangeEnd?: Key;
  readonly startRevision?: number;
  readonly prevKv?: boolean;
  readonly progressNotify?: boolean;
  readonly filters?: readonly ('NOPUT' | 'NODELETE')[];
}

export interface Watch {
  /** Stops the watch and closes its stream. */
  cancel(): void;
  /** Resolves when the watch ends: cancelled by us, or by the server (compaction). */
  readonly done: Promise<{ canceled: boolean; compactRevision?: number; reason?: string }>;
}

/**
 * A client for etcd's v3 API over the JSON gateway (ours or a real etcd's). It tries the
 * endpoints in turn: a member that is down, has no leader or lost its leader is skipped
 * and the request retried on the next, until the command timeout. Watches resume from
 * the revision after the last one delivered, on whichever member answers.
 */
export class KvClient {
  private readonly connections: ClientConnections;
  private preferred = 0;
  private closed = false;

  constructor(readonly options: ClientOptions) {
    if (options.endpoints.length === 0) throw new Error('at least one endpoint is required');
    this.connections = new ClientConnections(options.dialTimeoutMs ?? 2000);
  }

  /** How many watch streams hold a connection now. */
  get openStreams(): number {
    return this.connections.openStreams;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connections.close();
  }

  /**
   * POSTs to one endpoint, or to each in turn while failures are retryable. The command
   * timeout is one deadline over the whole call: waiting for a free connection, connecting,
   * every attempt and the backoff between them; when it passes the call fails with
   * "context deadline exceeded" (code 4), wherever it was.
   */
  async call(path: string, body: Json, endpoint?: string): Promise<Json> {
    const timeoutMs = this.options.commandTimeoutMs ?? 5000;
    const deadline = AbortSignal.timeout(timeoutMs);
    const endpoints = endpoint ? [endpoint] : this.options.endpoints;
    const retry = new RetryPolicy(endpoints.length);
    const text = JSON.stringify(body);
    let lastError: EtcdClientError | undefined;
    for (let attempt = 0; !deadline.aborted; attempt++) {
      const i = endpoint ? 0 : (this.preferred + attempt) % endpoints.length;
      try {
        const res = await this.connections.unary({ endpoint: endpoints[i], path, body: text, signal: deadline });
        const json = res.text ? (JSON.parse(res.text.split('\n')[0]) as Json) : {};
        if (res.statusCode === 200) {
          if (!endpoint) this.preferred = i;
          return json;
        }
        lastError = new EtcdClientError(json.message ?? `HTTP ${res.statusCode}`, json.code ?? 2, res.statusCode);
        if (!lastError.retryable || endpoint) throw lastError;
      } catch (err) {
        if (deadline.aborted) break;
        if (err instanceof EtcdClientError) throw err;
        if (!isConnectionError(err)) throw err;
        lastError = new EtcdClientError(`connection to ${endpoints[i]} failed: ${(err as Error).message}`, 14, 503);
        if (endpoint) throw lastError;
        // Start the next calls elsewhere too, rather than at a member that is down.
        if (this.preferred === i) this.preferred = (i + 1) % endpoints.length;
      }
      const pauseMs = retry.pauseAfterFailure();
      if (pauseMs > 0) await sleep(pauseMs, deadline);
    }
    // A member's own answer (say "no leader") says more than a deadline; a refused connection does not.
    throw lastError && !lastError.message.startsWith('connection') ? lastError : new EtcdClientError('context deadline exceeded', 4, 504);
  }

  // ---- KV ----------------------------------------------------------------------------

  async get(key: Key, opts: GetOptions = {}): Promise<{ header: Header; kvs: KeyValue[]; more: boolean; count: number }> {
    const k = toBytes(key);
    const r = await this.call('/v3/kv/range', {
      key: b64(k),
      range_end: rangeEndOf(k, opts),
      limit: opts.limit,
      revision: opts.revision,
      sort_order: opts.sortOrder,
      sort_target: opts.sortTarget,
      serializable: opts.serializable,
      keys_only: opts.keysOnly,
      count_only: opts.countOnly,
    });
    return { header: header(r.header), kvs: (r.kvs ?? []).map(keyValue), more: r.more ?? false, count: Number(r.count ?? 0) };
  }

  async put(key: Key, value: Key, opts: { lease?: bigint; prevKv?: boolean; ignoreValue?: boolean; ignoreLease?: boolean } = {}) {
    const r = await this.call('/v3/kv/put', {
      key: b64(toBytes(key)),
      value: opts.ignoreValue ? undefined : b64(toBytes(value)),
      lease: opts.lease ? opts.lease.toString() : undefined,
      prev_kv: opts.prevKv,
      ignore_value: opts.ignoreValue,
      ignore_lease: opts.ignoreLease,
    });
    return { header: header(r.header), prevKv: r.prev_kv ? keyValue(r.prev_kv) : undefined };
  }

  async delete(key: Key, opts: { prefix?: boolean; fromKey?: boolean; rangeEnd?: Key; prevKv?: boolean } = {}) {
    const k = toBytes(key);
    const r = await this.call('/v3/kv/deleterange', { key: b64(k), range_end: rangeEndOf(k, opts), prev_kv: opts.prevKv });
    return { header: header(r.header), deleted: Number(r.deleted ?? 0), prevKvs: (r.prev_kvs ?? []).map(keyValue) };
  }

  /** A txn in the gateway's JSON shape (compare / success / failure); the answer as the gateway sends it. */
  async txn(request: Json): Promise<Json> {
    return this.call('/v3/kv/txn', request);
  }

  async compact(revision: number, physical = false): Promise<Header> {
    return header((await this.call('/v3/kv/compaction', { revision, physical })).header);
  }

  // ---- leases -------------------------------------------------------------------------

  async leaseGrant(ttl: number, id?: bigint): Promise<{ id: bigint; ttl: number }> {
    const r = await this.call('/v3/lease/grant', { TTL: ttl, ID: id?.toString() });
    return { id: BigInt(r.ID), ttl: Number(r.TTL) };
  }

  async leaseRevoke(id: bigint): Promise<void> {
    await this.call('/v3/lease/revoke', { ID: id.toString() });
  }

  /** One keep-alive; the TTL left, or 0 if the lease is gone. */
  async leaseKeepAliveOnce(id: bigint): Promise<number> {
    const r = await this.call('/v3/lease/keepalive', { ID: id.toString() });
    return Number((r.result ?? r).TTL ?? 0);
  }

  async leaseTimeToLive(id: bigint, keys = false): Promise<{ ttl: number; grantedTtl: number; keys: Uint8Array[] }> {
    const r = await this.call('/v3/lease/timetolive', { ID: id.toString(), keys });
    return { ttl: Number(r.TTL ?? 0), grantedTtl: Number(r.grantedTTL ?? 0), keys: (r.keys ?? []).map((k: string) => new Uint8Array(Buffer.from(k, 'base64'))) };
  }

  async leases(): Promise<bigint[]> {
    return ((await this.call('/v3/lease/leases', {})).leases ?? []).map((l: Json) => BigInt(l.ID));
  }

  // ---- cluster and maintenance ------------------------------------------------------------

  async memberList(): Promise<{ header: Header; members: Member[] }> {
    const r = await this.call('/v3/cluster/member/list', {});
    return { header: header(r.header), members: (r.members ?? []).map(member) };
  }

  async memberAdd(peerUrls: string[], isLearner = false): Promise<{ member: Member; members: Member[] }> {
    const r = await this.call('/v3/cluster/member/add', { peerURLs: peerUrls, isLearner });
    return { member: member(r.member), members: (r.members ?? []).map(member) };
  }

  async memberRemove(id: bigint): Promise<Member[]> {
    return ((await this.call('/v3/cluster/member/remove', { ID: id.toString() })).members ?? []).map(member);
  }

  async memberPromote(id: bigint): Promise<Member[]> {
    return ((await this.call('/v3/cluster/member/promote', { ID: id.toString() })).members ?? []).map(member);
  }

  async status(endpoint: string): Promise<Json> {
    return this.call('/v3/maintenance/status', {}, endpoint);
  }

  async hashKV(endpoint: string, revision = 0): Promise<{ header: Header; hash: number; compactRevision: number }> {
    const r = await this.call('/v3/maintenance/hashkv', { revision }, endpoint);
    return { header: header(r.header), hash: Number(r.hash ?? 0), compactRevision: Number(r.compact_revision ?? 0) };
  }

  async moveLeader(endpoint: string, target: bigint): Promise<void> {
    await this.call('/v3/maintenance/transfer-leadership', { targetID: target.toString() }, endpoint);
  }

  // ---- watch --------------------------------------------------------------------------

  /**
   * Watches a key or range. Events arrive in revision order, each revision's together;
   * if the stream breaks, the watch resumes on another member from the next revision.
   */
  watch(key: Key, opts: WatchOptions, onEvents: (events: WatchEvent[], header: Header) => void): Watch {
    const k = toBytes(key);
    let next = opts.startRevision ?? 0;
    let cancelled = false;
    let abort: AbortController | undefined;
    let endpointIndex = this.preferred;
    const run = async (): Promise<{ canceled: boolean; compactRevision?: number; reason?: string }> => {
      while (!cancelled && !this.closed) {
        abort = new AbortController();
        const endpoint = this.options.endpoints[endpointIndex % this.options.endpoints.length];
        let stream: OpenStream | undefined;
        try {
          stream = await this.connections.stream({
            endpoint,
            path: '/v3/watch',
            signal: abort.signal,
            body: JSON.stringify({
              create_request: {
                key: b64(k),
                range_end: rangeEndOf(k, opts),
                start_revision: next || undefined,
                prev_kv: opts.prevKv,
                progress_notify: opts.progressNotify,
                filters: opts.filters,
              },
            }),
          });
          if (stream.statusCode !== 200) throw new Error(`watch answered HTTP ${stream.statusCode}`);
          let buffered = '';
          for await (const chunk of stream.body) {
            buffered += chunk.toString();
            let nl: number;
            while ((nl = buffered.indexOf('\n')) >= 0) {
              const line = JSON.parse(buffered.slice(0, nl)) as Json;
              buffered = buffered.slice(nl + 1);
              const result = line.result ?? {};
              if (result.canceled) return { canceled: true, compactRevision: Number(result.compact_revision ?? 0), reason: result.cancel_reason };
              const h = header(result.header);
              if (result.created && next === 0) next = h.revision + 1;
              const events = (result.events ?? []).map(watchEvent);
              if (events.length > 0) {
                next = events[events.length - 1].kv.modRevision + 1;
                onEvents(events, h);
              }
            }
          }
        } catch {
          // The member went away: resume elsewhere from `next`.
        } finally {
          await stream?.close();
        }
        if (cancelled) break;
        endpointIndex++;
        await new Promise((r) => setTimeout(r, 100));
      }
      return { canceled: true };
    };
    const done = run();
    return {
      cancel: () => {
        cancelled = true;
        abort?.abort();
      },
      done,
    };
  }
}

function rangeEndOf(key: Uint8Array, opts: { prefix?: boolean; fromKey?: boolean; rangeEnd?: Key }): string | undefined {
  if (opts.rangeEnd !== undefined) return b64(toBytes(opts.rangeEnd));
  if (opts.prefix) return b64(key.length === 0 ? Uint8Array.of(0) : prefixEnd(key));
  if (opts.fromKey) return b64(Uint8Array.of(0));
  return undefined;
}
