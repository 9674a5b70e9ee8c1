import sortedBtree from 'sorted-btree';
import CRC32 from 'crc-32';
import { KeyIndex, type Revision } from './key-index.js';
import { EtcdError } from '../errors/index.js';
import { keyRange, toKey, type KeyRange } from './key-range.js';
import {
  META_COMPACTED,
  META_CONSISTENT_INDEX,
  META_CURRENT,
  REV_RANGE,
  decodeNumber,
  decodeRecord,
  decodeSnapshot,
  encodeNumber,
  encodeRecord,
  encodeSnapshot,
  revisionKey,
  revisionOfKey,
  type RevisionRecord,
} from './codec.js';
import { compareMatches, validateTxn } from './txn-rules.js';
import {
  SortOrder,
  SortTarget,
  type DeleteRangeRequest,
  type DeleteRangeResult,
  type KeyValue,
  type KvEvent,
  type PutRequest,
  type PutResult,
  type RangeRequest,
  type RangeResult,
  type RequestOp,
  type ResponseOp,
  type TxnRequest,
  type TxnResult,
  type WriteBatch,
} from './types.js';

// sorted-btree is CommonJS: under Node's ESM interop its class is the `default` export's `default`.
const BTree = sortedBtree.default;

/** What the store reads from LevelDB at startup (an abstract-level store with Uint8Array keys and values). */
export interface MvccDb {
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  iterator(options: { gte?: Uint8Array; lt?: Uint8Array }): AsyncIterable<[Uint8Array, Uint8Array]>;
}

export interface MvccOptions {
  /** etcd's --max-txn-ops. Default 128. */
  readonly maxTxnOps?: number;
}

/** Bytes a revision costs in the size estimate (etcd's db size): key, value and bookkeeping. */
const RECORD_OVERHEAD = 64;

/**
 * etcd's multi-version key-value store. Every change gets the next main revision (a txn
 * one for all its writes, told apart by sub revision); reads at any revision since the
 * last compaction see the store as it was then.
 *
 * Memory model: the key index (an ordered B+ tree of keys, each with its generations of
 * revisions) and the revisions themselves live in memory; LevelDB holds the same
 * revisions for durability and is read only at startup. Mutations are deterministic and
 * synchronous: they write to the caller's WriteBatch, which the server commits together
 * with the Raft index they came from (the consistent index), so a crash replays each
 * entry exactly once.
 */
export class MvccStore {
  private readonly index = new BTree<string, KeyIndex>();
  private readonly revisions = new Map<number, RevisionRecord[]>();
  private current = 1;
  private compacted = 0;
  private applied = 0;
  private bytes = 0;
  private readonly maxTxnOps: number;

  constructor(options: MvccOptions = {}) {
    this.maxTxnOps = options.maxTxnOps ?? 128;
  }

  /** Loads the store from LevelDB (an empty store starts at revision 1). */
  static async open(db: MvccDb, options: MvccOptions = {}): Promise<MvccStore> {
    const store = new MvccStore(options);
    for await (const [key, value] of db.iterator(REV_RANGE)) store.load(revisionOfKey(key), decodeRecord(value));
    store.current = Math.max(1, decodeNumber(await db.get(META_CURRENT)), store.current);
    store.compacted = decodeNumber(await db.get(META_COMPACTED));
    store.applied = decodeNumber(await db.get(META_CONSISTENT_INDEX));
    return store;
  }

  get currentRevision(): number {
    return this.current;
  }

  get compactedRevision(): number {
    return this.compacted;
  }

  /** The Raft index of the last entry whose effects are in this store. */
  get consistentIndex(): number {
    return this.applied;
  }

  setConsistentIndex(batch: WriteBatch, index: number): void {
    this.applied = index;
    batch.put(META_CONSISTENT_INDEX, encodeNumber(index));
  }

  /** Keys that exist now (etcd_debugging_mvcc_keys_total). */
  get keyCount(): number {
    let n = 0;
    for (const ki of this.index.values()) if (ki.alive) n++;
    return n;
  }

  /** Estimated bytes of all kept revisions (etcd_mvcc_db_total_size_in_bytes, and the quota). */
  get sizeBytes(): number {
    return this.bytes;
  }

  // ---- reads --------------------------------------------------------------------------

  range(req: RangeRequest): RangeResult {
    if (req.key.byteLength === 0) throw new EtcdError('EmptyKey');
    return this.rangeAt(req, this.current);
  }

  private rangeAt(req: RangeRequest, current: number): RangeResult {
    const rev = req.revision && req.revision > 0 ? req.revision : current;
    if (rev > current) throw new EtcdError('FutureRev');
    if (rev < this.compacted) throw new EtcdError('Compacted');
    const sortOrder = req.sortOrder ?? SortOrder.NONE;
    const sortTarget = req.sortTarget ?? SortTarget.KEY;
    // etcd 3.4 leaves an unknown order unsorted (and would crash on an unknown target).
    if (!(sortTarget in SortTarget)) throw new EtcdError('InvalidSortOption');
    const filtered =
      (req.minModRevision ?? 0) !== 0 || (req.maxModRevision ?? 0) !== 0 || (req.minCreateRevision ?? 0) !== 0 || (req.maxCreateRevision ?? 0) !== 0;
    // Like etcd 3.4: sorting and revision filters need every match; otherwise fetch one
    // past the limit to know whether there is more.
    const limit = req.limit ?? 0;
    const fetchLimit = sortOrder !== SortOrder.NONE || sortTarget !== SortTarget.KEY || filtered || limit <= 0 ? 0 : limit + 1;

    let count = 0;
    let kvs: KeyValue[] = [];
    this.forEachAt(keyRange(req.key, req.rangeEnd), rev, (kv) => {
      count++;
      if (!req.countOnly && (fetchLimit === 0 || kvs.length < fetchLimit)) kvs.push(kv);
    });
    if (req.countOnly) return { kvs: [], more: false, count, revision: current };

    if (filtered) kvs = kvs.filter((kv) => passesFilters(kv, req));
    const order = sortTarget !== SortTarget.KEY && sortOrder === SortOrder.NONE ? SortOrder.ASCEND : sortOrder;
    if (order === SortOrder.ASCEND || order === SortOrder.DESCEND) sortKvs(kvs, sortTarget, order);
    let more = false;
    if (limit > 0 && kvs.length > limit) {
      kvs = kvs.slice(0, limit);
      more = true;
    }
    if (req.keysOnly) kvs = kvs.map((kv) => ({ ...kv, value: new Uint8Array(0) }));
    return { kvs, more, count, revision: current };
  }

  private forEachAt(r: KeyRange, rev: number, visit: (kv: KeyValue) => void): void {
    const emit = (ki: KeyIndex) => {
      const at = ki.get(rev);
      if (at) visit(this.record(at).kv);
    };
    if (r.single) {
      const ki = this.index.get(r.from);
      if (ki) emit(ki);
      return;
    }
    for (const [key, ki] of this.index.entries(r.from)) {
      if (r.to !== undefined && key >= r.to) break;
      emit(ki);
    }
  }

  private record(rev: Revision): RevisionRecord {
    const rec = this.revisions.get(rev.main)?.[rev.sub];
    if (!rec) throw new Error(`mvcc: revision ${rev.main}.${rev.sub} is indexed but missing`);
    return rec;
  }

  /** The value of one key now, or undefined. */
  get(key: Uint8Array): KeyValue | undefined {
    const ki = this.index.get(toKey(key));
    const at = ki?.get(this.current);
    return at ? this.record(at).kv : undefined;
  }

  // ---- writes -------------------------------------------------------------------------

  put(batch: WriteBatch, req: PutRequest): { result: PutResult; events: KvEvent[] } {
    validatePut(req);
    const w = this.beginWrite(batch);
    const prev = w.attempt(() => w.put(req));
    const revision = w.commit();
    return { result: { revision, prevKv: req.prevKv ? prev : undefined }, events: w.events };
  }

  deleteRange(batch: WriteBatch, req: DeleteRangeRequest): { result: DeleteRangeResult; events: KvEvent[] } {
    if (req.key.byteLength === 0) throw new EtcdError('EmptyKey');
    const w = this.beginWrite(batch);
    const deleted = w.attempt(() => w.deleteRange(req));
    const revision = w.commit();
    return { result: { revision, deleted: deleted.length, prevKvs: req.prevKv ? deleted : [] }, events: w.events };
  }

  /** Deletes several keys in one revision (a revoked or expired lease's keys). */
  deleteKeys(batch: WriteBatch, keys: readonly Uint8Array[]): { revision: number; events: KvEvent[] } {
    const w = this.beginWrite(batch);
    w.attempt(() => {
      for (const key of keys) w.deleteRange({ key });
    });
    return { revision: w.commit(), events: w.events };
  }

  txn(batch: WriteBatch, req: TxnRequest): { result: TxnResult; events: KvEvent[] } {
    validateTxn(req, this.maxTxnOps);
    const w = this.beginWrite(batch);
    const run = (t: TxnRequest): { succeeded: boolean; responses: ResponseOp[] } => {
      const succeeded = (t.compare ?? []).every((c) => this.compareHolds(c, w.readRevision));
      const responses = (succeeded ? t.success ?? [] : t.failure ?? []).map((op) => exec(op));
      return { succeeded, responses };
    };
    const exec = (op: RequestOp): ResponseOp => {
      if ('requestRange' in op) return { responseRange: this.rangeAt(op.requestRange, w.readRevision) };
      if ('requestPut' in op) {
        validatePut(op.requestPut);
        const prev = w.put(op.requestPut);
        return { responsePut: { revision: w.readRevision, prevKv: op.requestPut.prevKv ? prev : undefined } };
      }
      if ('requestDeleteRange' in op) {
        const deleted = w.deleteRange(op.requestDeleteRange);
        return { responseDeleteRange: { revision: w.readRevision, deleted: deleted.length, prevKvs: op.requestDeleteRange.prevKv ? deleted : [] } };
      }
      const inner = run(op.requestTxn);
      return { responseTxn: { revision: w.readRevision, ...inner } };
    };
    const { succeeded, responses } = w.attempt(() => run(req));
    const revision = w.commit();
    return { result: { revision, succeeded, responses }, events: w.events };
  }

  private compareHolds(c: Parameters<typeof compareMatches>[0], rev: number): boolean {
    const kvs: KeyValue[] = [];
    this.forEachAt(keyRange(c.key, c.rangeEnd), rev, (kv) => kvs.push(kv));
    if (kvs.length === 0) return compareMatches(c, undefined);
    return kvs.every((kv) => compareMatches(c, kv));
  }

  /**
   * A write at the next main revision. Reads inside it (txn ranges and compares) see its
   * own writes; the revision is only taken if something was written. A write that fails
   * halfway (a txn whose later op is invalid) is undone entirely: the batch only receives
   * its operations at commit, and the touched keys' indexes are rolled back.
   */
  private beginWrite(batch: WriteBatch) {
    const main = this.current + 1;
    const records: RevisionRecord[] = [];
    const events: KvEvent[] = [];
    const ops: [Uint8Array, Uint8Array][] = [];
    const touched = new Set<string>();
    const bytesBefore = this.bytes;
    const store = this;
    this.revisions.set(main, records);
    const add = (key: string, rec: RevisionRecord) => {
      const rev = { main, sub: records.length };
      records.push(rec);
      let ki = store.index.get(key);
      touched.add(key);
      if (!ki) {
        ki = new KeyIndex();
        store.index.set(key, ki);
      }
      if (rec.tombstone) ki.tombstone(rev);
      else ki.put(rev);
      store.bytes += rec.kv.key.byteLength + rec.kv.value.byteLength + RECORD_OVERHEAD;
      ops.push([revisionKey(rev), encodeRecord(rec)]);
    };
    const abort = () => {
      for (const key of touched) {
        const ki = store.index.get(key)!;
        ki.rollback(main);
        if (ki.isEmpty) store.index.delete(key);
      }
      store.revisions.delete(main);
      store.bytes = bytesBefore;
    };
    return {
      events,
      /** Reads during the write see what it wrote so far. */
      get readRevision(): number {
        return records.length > 0 ? main : store.current;
      },
      attempt<T>(fn: () => T): T {
        try {
          return fn();
        } catch (err) {
          abort();
          throw err;
        }
      },
      put(req: PutRequest): KeyValue | undefined {
        const key = toKey(req.key);
        const prevRev = store.index.get(key)?.get(records.length > 0 ? main : store.current);
        const prev = prevRev ? store.record(prevRev).kv : undefined;
        if ((req.ignoreValue || req.ignoreLease) && !prev) throw new EtcdError('KeyNotFound');
        const kv: KeyValue = {
          key: req.key,
          createRevision: prev ? prev.createRevision : main,
          modRevision: main,
          version: prev ? prev.version + 1 : 1,
          value: req.ignoreValue ? prev!.value : (req.value ?? new Uint8Array(0)),
          lease: req.ignoreLease ? prev!.lease : (req.lease ?? 0n),
        };
        add(key, { kv, tombstone: false });
        events.push(prev ? { type: 'PUT', kv, prevKv: prev } : { type: 'PUT', kv });
        return prev;
      },
      deleteRange(req: DeleteRangeRequest): KeyValue[] {
        const deleted: KeyValue[] = [];
        store.forEachAt(keyRange(req.key, req.rangeEnd), records.length > 0 ? main : store.current, (kv) => deleted.push(kv));
        for (const prev of deleted) {
          const kv: KeyValue = { key: prev.key, createRevision: 0, modRevision: main, version: 0, value: new Uint8Array(0), lease: 0n };
          add(toKey(prev.key), { kv, tombstone: true });
          events.push({ type: 'DELETE', kv, prevKv: prev });
        }
        return deleted;
      },
      /** Takes the revision if anything was written; returns the store revision after the write. */
      commit(): number {
        if (records.length === 0) {
          store.revisions.delete(main);
          return store.current;
        }
        for (const [k, v] of ops) batch.put(k, v);
        store.current = main;
        batch.put(META_CURRENT, encodeNumber(main));
        return main;
      },
    };
  }

  /**
   * Forgets history before `revision`: reads at `revision` and later still work, older ones
   * fail with Compacted. The dropped revisions are deleted through the batch.
   */
  compact(batch: WriteBatch, revision: number): void {
    if (revision <= this.compacted) throw new EtcdError('Compacted');
    if (revision > this.current) throw new EtcdError('FutureRev');
    for (const [key, ki] of [...this.index.entries()]) {
      for (const rev of ki.compact(revision)) this.dropRecord(batch, rev);
      if (ki.isEmpty) this.index.delete(key);
    }
    // Whole revisions left empty (every record dropped) are forgotten too.
    for (const [main, recs] of this.revisions) {
      if (main > revision) break;
      if (recs.every((r) => r === undefined)) this.revisions.delete(main);
    }
    this.compacted = revision;
    batch.put(META_COMPACTED, encodeNumber(revision));
  }

  private dropRecord(batch: WriteBatch, rev: Revision): void {
    const recs = this.revisions.get(rev.main);
    const rec = recs?.[rev.sub];
    if (!recs || !rec) return;
    this.bytes -= rec.kv.key.byteLength + rec.kv.value.byteLength + RECORD_OVERHEAD;
    delete recs[rev.sub];
    batch.del(revisionKey(rev));
  }

  // ---- history, hashes, snapshots ----------------------------------------------------------

  /**
   * Events of `[key, rangeEnd)` from `fromRevision` on, in revision order, for watchers that
   * catch up from history. Throws Compacted when `fromRevision` is at or below the compacted
   * revision (history there is incomplete).
   */
  eventsSince(key: Uint8Array, rangeEnd: Uint8Array | undefined, fromRevision: number, maxRevision = this.current): KvEvent[] {
    // As etcd: a watch may start at the compacted revision itself (what it kept there), not below.
    if (fromRevision < this.compacted) throw new EtcdError('Compacted');
    const r = keyRange(key, rangeEnd);
    const out: KvEvent[] = [];
    for (let main = fromRevision; main <= maxRevision; main++) {
      for (const rec of this.revisions.get(main) ?? []) {
        if (!rec) continue;
        const k = toKey(rec.kv.key);
        if (r.single ? k !== r.from : k < r.from || (r.to !== undefined && k >= r.to)) continue;
        out.push({ type: rec.tombstone ? 'DELETE' : 'PUT', kv: rec.kv });
      }
    }
    return out;
  }

  /** etcd's HashKV: a CRC-32 of every kept revision up to `revision`; equal on members with equal history. */
  hashKV(revision = 0): { hash: number; compactRevision: number; revision: number } {
    const upTo = revision > 0 ? revision : this.current;
    if (upTo > this.current) throw new EtcdError('FutureRev');
    // etcd's HashByRev refuses the compacted revision itself too (a range at it still works).
    if (revision > 0 && revision <= this.compacted) throw new EtcdError('Compacted');
    let crc = 0;
    for (const [main, recs] of this.revisions) {
      if (main > upTo) break;
      recs.forEach((rec, sub) => {
        if (!rec) return;
        crc = CRC32.buf(revisionKey({ main, sub }), crc);
        crc = CRC32.buf(encodeRecord(rec), crc);
      });
    }
    return { hash: crc >>> 0, compactRevision: this.compacted, revision: upTo };
  }

  /** The whole store, for a Raft snapshot. */
  snapshotData(): Uint8Array {
    const revs: [number, number, Uint8Array][] = [];
    for (const [main, recs] of this.revisions) recs.forEach((rec, sub) => rec && revs.push([main, sub, encodeRecord(rec)]));
    return encodeSnapshot({ current: this.current, compacted: this.compacted, revs });
  }

  /** Replaces the whole store with a snapshot's, rewriting LevelDB through the batch. */
  restoreFrom(batch: WriteBatch, data: Uint8Array): void {
    const snap = decodeSnapshot(data) as { current: number; compacted: number; revs: [number, number, Uint8Array][] };
    for (const [main, recs] of this.revisions) recs.forEach((rec, sub) => rec && batch.del(revisionKey({ main, sub })));
    this.index.clear();
    this.revisions.clear();
    this.bytes = 0;
    for (const [main, sub, raw] of snap.revs) {
      const rec = decodeRecord(new Uint8Array(raw));
      this.load({ main, sub }, rec);
      batch.put(revisionKey({ main, sub }), raw);
    }
    this.current = snap.current;
    this.compacted = snap.compacted;
    batch.put(META_CURRENT, encodeNumber(this.current));
    batch.put(META_COMPACTED, encodeNumber(this.compacted));
  }

  /** Adds a stored revision to memory (startup and restore; revisions arrive in order). */
  private load(rev: Revision, rec: RevisionRecord): void {
    let recs = this.revisions.get(rev.main);
    if (!recs) this.revisions.set(rev.main, (recs = []));
    recs[rev.sub] = rec;
    const key = toKey(rec.kv.key);
    let ki = this.index.get(key);
    if (!ki) this.index.set(key, (ki = new KeyIndex()));
    if (rec.tombstone) ki.tombstone(rev);
    else ki.put(rev);
    this.bytes += rec.kv.key.byteLength + rec.kv.value.byteLength + RECORD_OVERHEAD;
    if (rev.main > this.current) this.current = rev.main;
  }
}

function validatePut(req: PutRequest): void {
  if (req.key.byteLength === 0) throw new EtcdError('EmptyKey');
  if (req.ignoreValue && req.value && req.value.byteLength > 0) throw new EtcdError('ValueProvided');
  if (req.ignoreLease && req.lease && req.lease !== 0n) throw new EtcdError('LeaseProvided');
}

function passesFilters(kv: KeyValue, r: RangeRequest): boolean {
  if (r.minModRevision && kv.modRevision < r.minModRevision) return false;
  if (r.maxModRevision && kv.modRevision > r.maxModRevision) return false;
  if (r.minCreateRevision && kv.createRevision < r.minCreateRevision) return false;
  if (r.maxCreateRevision && kv.createRevision > r.maxCreateRevision) return false;
  return true;
}

function sortKvs(kvs: KeyValue[], target: SortTarget, order: SortOrder): void {
  const by: Record<SortTarget, (a: KeyValue, b: KeyValue) => number> = {
    [SortTarget.KEY]: (a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)),
    [SortTarget.VERSION]: (a, b) => a.version - b.version,
    [SortTarget.CREATE]: (a, b) => a.createRevision - b.createRevision,
    [SortTarget.MOD]: (a, b) => a.modRevision - b.modRevision,
    [SortTarget.VALUE]: (a, b) => Buffer.compare(Buffer.from(a.value), Buffer.from(b.value)),
  };
  const cmp = by[target];
  kvs.sort(order === SortOrder.DESCEND ? (a, b) => cmp(b, a) : cmp);
}

