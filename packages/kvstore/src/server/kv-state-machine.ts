import type { AppliedEntry, StateMachine, Snapshot } from '@flotilla/raft';
import { Packr } from 'msgpackr';
import { EtcdError, type EtcdErrorName } from '../errors/index.js';
import { Lessor, leaseKey } from '../lease/index.js';
import { fromKey, toKey, type KvEvent, type MvccStore, type RequestOp, type TxnRequest, type WriteBatch } from '../mvcc/index.js';
import { AlarmStore, type AlarmMember } from './alarm-store.js';
import { decodeRequest, type AlarmType, type InternalRequest } from './requests.js';

/** The chained batch of the member's key-value sublevel. */
export interface KvDb {
  batch(): { put(k: Uint8Array, v: Uint8Array): unknown; del(k: Uint8Array): unknown; write(o: { sync?: boolean }): Promise<void> };
  iterator(options: { gte?: Uint8Array; lt?: Uint8Array }): AsyncIterable<[Uint8Array, Uint8Array]>;
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
}

/** What applying one request produced: a result for the proposer, or etcd's error. */
export type ApplyResult =
  | { readonly ok: true; readonly revision: number; readonly value: unknown }
  | { readonly ok: false; readonly error: EtcdErrorName | 'BadRequest'; readonly message: string };

export interface MemberAttributes {
  readonly name: string;
  readonly clientUrls: readonly string[];
}

export interface KvStateMachineOptions {
  readonly db: KvDb;
  readonly mvcc: MvccStore;
  readonly lessor: Lessor;
  /** etcd's --quota-backend-bytes (resolved: never 0). */
  readonly quotaBytes: number;
  /** Called after each applied batch with its events, in revision order (the watch hub). */
  readonly onEvents?: (events: readonly KvEvent[], revision: number) => void;
  /** Injected so that apply stays deterministic except for lease expiry bookkeeping on the leader. */
  readonly now: () => number;
}

const packr = new Packr({ useRecords: false });

/** What snapshot() packs. */
interface SnapshotData {
  readonly kv: Uint8Array;
  readonly leases: Uint8Array[];
  readonly alarms: [string, AlarmType][];
  readonly members: [string, MemberAttributes][];
  readonly clusterId?: string;
}
const MEMBER_PREFIX = 'member/';
const CLUSTER_KEY = 'cluster/id';
const latin1 = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

/**
 * The member's replicated state: MVCC key-values, leases, alarms and member attributes.
 * RaftNode hands it committed entries in order; each batch of entries is written to
 * LevelDB in one batch together with the index of the last entry (the consistent index),
 * so after a crash Raft replays exactly the entries whose effects were not stored.
 */
export class KvStateMachine implements StateMachine<ApplyResult> {
  readonly alarms = new AlarmStore();
  readonly members = new Map<string, MemberAttributes>();
  /**
   * The cluster's ID, as the founders published it. A member that joins later learns it
   * here (its own flags name the cluster as it is now, not as it was founded).
   */
  clusterId: string | undefined;

  constructor(private readonly opts: KvStateMachineOptions) {}

  /** Loads alarms and member attributes, and re-attaches keys to their leases. */
  async load(): Promise<void> {
    await this.alarms.load(this.opts.db);
    for await (const [k, v] of this.opts.db.iterator({ gte: latin1(MEMBER_PREFIX), lt: latin1('member0') })) {
      this.members.set(Buffer.from(k).toString('latin1').slice(MEMBER_PREFIX.length), packr.unpack(v) as MemberAttributes);
    }
    const cluster = await this.opts.db.get(latin1(CLUSTER_KEY));
    if (cluster) this.clusterId = packr.unpack(cluster) as string;
    const records: Uint8Array[] = [];
    for await (const [, v] of this.opts.db.iterator({ gte: leaseKey(0n), lt: latin1('lease0') })) records.push(v);
    this.opts.lessor.load(records);
    this.reattachLeases();
  }

  appliedIndex(): number {
    return this.opts.mvcc.consistentIndex;
  }

  async apply(entries: readonly AppliedEntry[]): Promise<ApplyResult[]> {
    const { mvcc } = this.opts;
    const chained = this.opts.db.batch();
    const batch: WriteBatch = { put: (k, v) => chained.put(k, v), del: (k) => chained.del(k) };
    const results: ApplyResult[] = [];
    const events: KvEvent[] = [];
    for (const e of entries) {
      // Already applied before a restart: its effects are in LevelDB.
      if (e.index <= mvcc.consistentIndex || e.kind !== 'normal') {
        results.push({ ok: true, revision: mvcc.currentRevision, value: undefined });
        continue;
      }
      results.push(this.applyOne(batch, decodeRequest(e.payload), events));
    }
    const last = entries.at(-1);
    if (last && last.index > mvcc.consistentIndex) mvcc.setConsistentIndex(batch, last.index);
    // Not synced: the Raft log is, and replays anything lost from here after a crash.
    await chained.write({ sync: false });
    if (events.length > 0) this.opts.onEvents?.(events, mvcc.currentRevision);
    return results;
  }

  private applyOne(batch: WriteBatch, r: InternalRequest, events: KvEvent[]): ApplyResult {
    const { mvcc, lessor } = this.opts;
    try {
      switch (r.op) {
        case 'put': {
          this.checkSpace();
          this.checkLease(r.req.lease);
          const { result, events: evs } = mvcc.put(batch, r.req);
          this.track(evs, events);
          return { ok: true, revision: result.revision, value: result };
        }
        case 'deleteRange': {
          const { result, events: evs } = mvcc.deleteRange(batch, r.req);
          this.track(evs, events);
          return { ok: true, revision: result.revision, value: result };
        }
        case 'txn': {
          if (txnWrites(r.req)) this.checkSpace();
          for (const lease of txnLeases(r.req)) this.checkLease(lease);
          const { result, events: evs } = mvcc.txn(batch, r.req);
          this.track(evs, events);
          return { ok: true, revision: result.revision, value: result };
        }
        case 'compact':
          mvcc.compact(batch, r.revision);
          return { ok: true, revision: mvcc.currentRevision, value: undefined };
        case 'leaseGrant': {
          this.checkSpace();
          const lease = lessor.grant(batch, r.id, r.ttl, this.opts.now());
          return { ok: true, revision: mvcc.currentRevision, value: { id: lease.id, ttl: lease.ttl } };
        }
        case 'leaseRevoke': {
          const keys = lessor.revoke(batch, r.id);
          if (keys.length > 0) {
            const { events: evs } = mvcc.deleteKeys(batch, keys.map(fromKey));
            this.track(evs, events);
          }
          return { ok: true, revision: mvcc.currentRevision, value: undefined };
        }
        case 'alarm': {
          // As etcd answers: the alarm raised (or already raised), or the one disarmed, if any.
          const changed = r.action === 'activate' ? this.alarms.activate(batch, r.memberId, r.alarm) : this.alarms.deactivate(batch, r.memberId, r.alarm);
          const value: AlarmMember[] = changed ? [changed] : [];
          return { ok: true, revision: mvcc.currentRevision, value };
        }
        case 'memberAttributes': {
          const attrs = { name: r.name, clientUrls: [...r.clientUrls] };
          this.members.set(r.memberId, attrs);
          batch.put(latin1(`${MEMBER_PREFIX}${r.memberId}`), packr.pack(attrs));
          if (this.clusterId === undefined && r.clusterId) {
            this.clusterId = r.clusterId;
            batch.put(latin1(CLUSTER_KEY), packr.pack(r.clusterId));
          }
          return { ok: true, revision: mvcc.currentRevision, value: undefined };
        }
      }
    } catch (err) {
      if (err instanceof EtcdError) return { ok: false, error: err.etcdName, message: err.message };
      throw err;
    }
  }

  /** Keeps the lessor's key sets in step with the writes. */
  private track(evs: readonly KvEvent[], all: KvEvent[]): void {
    const { lessor } = this.opts;
    for (const ev of evs) {
      const key = toKey(ev.kv.key);
      if (ev.prevKv && ev.prevKv.lease !== 0n) lessor.detach(ev.prevKv.lease, key);
      if (ev.type === 'PUT' && ev.kv.lease !== 0n) lessor.attach(ev.kv.lease, key);
      all.push(ev);
    }
  }

  private checkLease(lease: bigint | undefined): void {
    if (lease !== undefined && lease !== 0n && !this.opts.lessor.has(lease)) throw new EtcdError('LeaseNotFound');
  }

  /** NOSPACE: once the store is over quota, writes are refused (reads and deletes still work). */
  private checkSpace(): void {
    if (this.alarms.has('NOSPACE')) throw new EtcdError('NoSpace');
    if (this.overQuota) throw new EtcdError('NoSpace');
  }

  /** The store has outgrown --quota-backend-bytes (as opposed to writes refused by a raised alarm). */
  get overQuota(): boolean {
    return this.opts.mvcc.sizeBytes > this.opts.quotaBytes;
  }

  async snapshot(): Promise<Uint8Array> {
    return packr.pack({
      kv: this.opts.mvcc.snapshotData(),
      leases: this.opts.lessor.records(),
      alarms: this.alarms.entries(),
      members: [...this.members],
      clusterId: this.clusterId,
    });
  }

  async restore(snapshot: Snapshot): Promise<void> {
    const data = packr.unpack(snapshot.data) as SnapshotData;
    const chained = this.opts.db.batch();
    const batch: WriteBatch = { put: (k, v) => chained.put(k, v), del: (k) => chained.del(k) };
    for (const id of this.opts.lessor.list()) batch.del(leaseKey(id));
    this.opts.mvcc.restoreFrom(batch, new Uint8Array(data.kv));
    this.opts.lessor.load(data.leases.map((l) => new Uint8Array(l)));
    for (const raw of this.opts.lessor.records()) {
      const { id } = packr.unpack(raw) as { id: string };
      batch.put(leaseKey(BigInt(id)), raw);
    }
    this.alarms.replace(batch, data.alarms);
    this.members.clear();
    for (const [id, attrs] of data.members) {
      this.members.set(id, attrs);
      batch.put(latin1(`${MEMBER_PREFIX}${id}`), packr.pack(attrs));
    }
    if (data.clusterId) {
      this.clusterId = data.clusterId;
      batch.put(latin1(CLUSTER_KEY), packr.pack(data.clusterId));
    }
    this.opts.mvcc.setConsistentIndex(batch, snapshot.metadata.index);
    await chained.write({ sync: true });
    this.reattachLeases();
  }

  /**
   * Loads a snapshot taken in another cluster, as etcd's `snapshot restore` does: keys at their
   * revisions, leases and alarms are kept; the old cluster's members and ID are dropped (the new
   * members publish their own) and the consistent index starts at 0, with the new cluster's log.
   */
  async seed(snapshotData: Uint8Array, clusterId: string): Promise<void> {
    const data = packr.unpack(snapshotData) as SnapshotData;
    const fresh: SnapshotData = { ...data, members: [], clusterId };
    await this.restore({ metadata: { index: 0, term: 0, confState: { voters: [], learners: [] } }, data: packr.pack(fresh) });
  }

  private reattachLeases(): void {
    const { mvcc, lessor } = this.opts;
    const all = mvcc.range({ key: Uint8Array.of(0), rangeEnd: Uint8Array.of(0) });
    for (const kv of all.kvs) if (kv.lease !== 0n && lessor.has(kv.lease)) lessor.attach(kv.lease, toKey(kv.key));
  }
}

function txnOps(req: TxnRequest): RequestOp[] {
  const ops = [...(req.success ?? []), ...(req.failure ?? [])];
  return ops.flatMap((op) => ('requestTxn' in op ? [op, ...txnOps(op.requestTxn)] : [op]));
}

function txnWrites(req: TxnRequest): boolean {
  return txnOps(req).some((op) => 'requestPut' in op);
}

function txnLeases(req: TxnRequest): bigint[] {
  return txnOps(req).flatMap((op) => ('requestPut' in op && op.requestPut.lease ? [op.requestPut.lease] : []));
}
