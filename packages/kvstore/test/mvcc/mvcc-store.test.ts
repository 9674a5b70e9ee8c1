import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ClassicLevel } from 'classic-level';
import { EtcdError } from '../../src/errors/index.js';
import {
  CompareResult,
  CompareTarget,
  MvccStore,
  SortOrder,
  SortTarget,
  type KeyValue,
  type RequestOp,
  type WriteBatch,
} from '../../src/mvcc/index.js';

const b = (s: string) => new TextEncoder().encode(s);
const s = (u: Uint8Array) => new TextDecoder().decode(u);
const ALL = Uint8Array.of(0);

/** Collects a write's operations, as the server does before committing them with the Raft index. */
class Batch implements WriteBatch {
  ops: ({ type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array })[] = [];
  put(key: Uint8Array, value: Uint8Array): void {
    this.ops.push({ type: 'put', key, value });
  }
  del(key: Uint8Array): void {
    this.ops.push({ type: 'del', key });
  }
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof EtcdError) return err.etcdName;
    throw err;
  }
  return 'ok';
}

const keys = (kvs: KeyValue[]) => kvs.map((kv) => s(kv.key));
const put = (m: MvccStore, k: string, v: string, lease = 0n) => m.put(new Batch(), { key: b(k), value: b(v), lease }).result.revision;
const del = (m: MvccStore, k: string, end?: Uint8Array) => m.deleteRange(new Batch(), { key: b(k), rangeEnd: end }).result;

describe('mvcc store', () => {
  describe('revisions', () => {
    it('starts at 1; each put, effective delete and writing txn takes exactly one revision', () => {
      const m = new MvccStore();
      expect(m.currentRevision).to.equal(1);
      expect(put(m, 'a', '1')).to.equal(2);
      expect(put(m, 'a', '2')).to.equal(3);
      expect(del(m, 'missing').revision, 'a delete of nothing').to.equal(3);
      expect(del(m, 'a').revision).to.equal(4);
      const txn = m.txn(new Batch(), { success: [{ requestPut: { key: b('x'), value: b('1') } }, { requestPut: { key: b('y'), value: b('2') } }] });
      expect(txn.result.revision).to.equal(5);
      expect(m.range({ key: b('x'), rangeEnd: b('z') }).kvs.map((kv) => kv.modRevision)).to.deep.equal([5, 5]);
      expect(m.txn(new Batch(), { success: [{ requestRange: { key: b('x') } }] }).result.revision, 'a read-only txn').to.equal(5);
    });

    it('tracks create_revision, mod_revision and version across generations', () => {
      const m = new MvccStore();
      put(m, 'k', 'a');
      put(m, 'k', 'b');
      expect(m.get(b('k'))).to.deep.include({ createRevision: 2, modRevision: 3, version: 2 });
      del(m, 'k');
      expect(m.get(b('k'))).to.equal(undefined);
      put(m, 'k', 'c');
      expect(m.get(b('k'))).to.deep.include({ createRevision: 5, modRevision: 5, version: 1 });
      expect(s(m.range({ key: b('k'), revision: 3 }).kvs[0].value), 'history').to.equal('b');
      expect(m.range({ key: b('k'), revision: 4 }).kvs, 'deleted at 4').to.deep.equal([]);
    });

    it('reports events with prev kv; a delete event has version 0 and the deletion revision', () => {
      const m = new MvccStore();
      put(m, 'k', 'a');
      const { events } = m.deleteRange(new Batch(), { key: b('k') });
      expect(events).to.have.length(1);
      expect(events[0].type).to.equal('DELETE');
      expect(events[0].kv).to.deep.include({ modRevision: 3, version: 0, createRevision: 0 });
      expect(s(events[0].prevKv!.value)).to.equal('a');
    });
  });

  describe('range', () => {
    const fill = () => {
      const m = new MvccStore();
      for (const [k, v] of [['a', '3'], ['b', '1'], ['c', '2'], ['d', '5'], ['e', '4']]) put(m, k, v);
      put(m, 'c', '9');
      return m;
    };

    it('serves a key, a range, a prefix-style range and everything from a key', () => {
      const m = fill();
      expect(keys(m.range({ key: b('c') }).kvs)).to.deep.equal(['c']);
      expect(keys(m.range({ key: b('b'), rangeEnd: b('d') }).kvs)).to.deep.equal(['b', 'c']);
      expect(keys(m.range({ key: b('c'), rangeEnd: ALL }).kvs)).to.deep.equal(['c', 'd', 'e']);
      expect(keys(m.range({ key: ALL, rangeEnd: ALL }).kvs)).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
    });

    it('limit gives more and count counts everything in range', () => {
      const m = fill();
      const r = m.range({ key: b('a'), rangeEnd: ALL, limit: 2 });
      expect(keys(r.kvs)).to.deep.equal(['a', 'b']);
      expect(r.more).to.equal(true);
      expect(r.count).to.equal(5);
      expect(m.range({ key: b('a'), rangeEnd: ALL, limit: 5 }).more).to.equal(false);
    });

    it('sorts by any target, ascending by default when the target is not the key', () => {
      const m = fill();
      expect(keys(m.range({ key: b('a'), rangeEnd: ALL, sortOrder: SortOrder.DESCEND }).kvs)).to.deep.equal(['e', 'd', 'c', 'b', 'a']);
      expect(keys(m.range({ key: b('a'), rangeEnd: ALL, sortTarget: SortTarget.VALUE }).kvs)).to.deep.equal(['b', 'a', 'e', 'd', 'c']);
      const byMod = m.range({ key: b('a'), rangeEnd: ALL, sortTarget: SortTarget.MOD, sortOrder: SortOrder.DESCEND, limit: 2 });
      expect(keys(byMod.kvs)).to.deep.equal(['c', 'e']);
      expect(byMod.more).to.equal(true);
      expect(keys(m.range({ key: b('a'), rangeEnd: ALL, sortTarget: SortTarget.VERSION, sortOrder: SortOrder.DESCEND, limit: 1 }).kvs)).to.deep.equal(['c']);
    });

    it('filters by mod and create revision, keys only and count only', () => {
      const m = fill();
      expect(keys(m.range({ key: b('a'), rangeEnd: ALL, minModRevision: 5 }).kvs)).to.deep.equal(['c', 'd', 'e']);
      expect(keys(m.range({ key: b('a'), rangeEnd: ALL, maxCreateRevision: 3 }).kvs)).to.deep.equal(['a', 'b']);
      const ko = m.range({ key: b('a'), keysOnly: true }).kvs[0];
      expect(ko.value.length).to.equal(0);
      expect(ko.version).to.equal(1);
      const co = m.range({ key: b('a'), rangeEnd: ALL, countOnly: true });
      expect(co.kvs).to.deep.equal([]);
      expect(co.count).to.equal(5);
    });

    it('refuses future revisions, compacted ones and empty keys', () => {
      const m = fill();
      expect(code(() => m.range({ key: b('a'), revision: 100 }))).to.equal('FutureRev');
      m.compact(new Batch(), 4);
      expect(code(() => m.range({ key: b('a'), revision: 3 }))).to.equal('Compacted');
      expect(code(() => m.range({ key: b('a'), revision: 4 }))).to.equal('ok');
      expect(code(() => m.range({ key: new Uint8Array(0) }))).to.equal('EmptyKey');
      expect(new EtcdError('Compacted').message).to.equal('etcdserver: mvcc: required revision has been compacted');
    });
  });

  describe('put options', () => {
    it('prev_kv, ignore_value and ignore_lease', () => {
      const m = new MvccStore();
      put(m, 'k', 'v1', 7n);
      const r = m.put(new Batch(), { key: b('k'), value: b('v2'), prevKv: true });
      expect(s(r.result.prevKv!.value)).to.equal('v1');
      m.put(new Batch(), { key: b('k'), ignoreValue: true, lease: 9n });
      expect(m.get(b('k'))).to.deep.include({ lease: 9n });
      expect(s(m.get(b('k'))!.value)).to.equal('v2');
      m.put(new Batch(), { key: b('k'), value: b('v3'), ignoreLease: true });
      expect(m.get(b('k'))!.lease).to.equal(9n);
      expect(code(() => m.put(new Batch(), { key: b('nope'), ignoreValue: true }))).to.equal('KeyNotFound');
      expect(code(() => m.put(new Batch(), { key: b('k'), value: b('x'), ignoreValue: true }))).to.equal('ValueProvided');
      expect(code(() => m.put(new Batch(), { key: b('k'), lease: 3n, ignoreLease: true }))).to.equal('LeaseProvided');
    });
  });

  describe('txn', () => {
    const cmp = (target: CompareTarget, result: CompareResult, key: string, operand: Record<string, unknown>) => ({ target, result, key: b(key), ...operand });

    it('compares every target with every result; a missing key compares as zero (never for VALUE)', () => {
      const m = new MvccStore();
      put(m, 'k', 'bbb', 5n);
      put(m, 'k', 'bbb', 5n);
      const holds = (c: ReturnType<typeof cmp>) => m.txn(new Batch(), { compare: [c] }).result.succeeded;
      expect(holds(cmp(CompareTarget.VERSION, CompareResult.EQUAL, 'k', { version: 2 }))).to.equal(true);
      expect(holds(cmp(CompareTarget.CREATE, CompareResult.LESS, 'k', { createRevision: 3 }))).to.equal(true);
      expect(holds(cmp(CompareTarget.MOD, CompareResult.GREATER, 'k', { modRevision: 2 }))).to.equal(true);
      expect(holds(cmp(CompareTarget.VALUE, CompareResult.NOT_EQUAL, 'k', { value: b('bbb') }))).to.equal(false);
      expect(holds(cmp(CompareTarget.VALUE, CompareResult.GREATER, 'k', { value: b('bba') }))).to.equal(true);
      expect(holds(cmp(CompareTarget.LEASE, CompareResult.EQUAL, 'k', { lease: 5n }))).to.equal(true);
      expect(holds(cmp(CompareTarget.VERSION, CompareResult.EQUAL, 'missing', { version: 0 }))).to.equal(true);
      expect(holds(cmp(CompareTarget.CREATE, CompareResult.EQUAL, 'missing', { createRevision: 0 }))).to.equal(true);
      expect(holds(cmp(CompareTarget.VALUE, CompareResult.NOT_EQUAL, 'missing', { value: b('x') }))).to.equal(false);
    });

    it('runs the failure branch when a compare fails, nested txns included, and reads its own writes', () => {
      const m = new MvccStore();
      put(m, 'k', 'v');
      const { result } = m.txn(new Batch(), {
        compare: [cmp(CompareTarget.VALUE, CompareResult.EQUAL, 'k', { value: b('other') })],
        success: [{ requestPut: { key: b('never'), value: b('x') } }],
        failure: [
          { requestPut: { key: b('a'), value: b('1') } },
          { requestRange: { key: b('a') } },
          { requestTxn: { compare: [cmp(CompareTarget.VERSION, CompareResult.EQUAL, 'a', { version: 1 })], success: [{ requestDeleteRange: { key: b('k'), prevKv: true } }] } },
        ],
      });
      expect(result.succeeded).to.equal(false);
      expect(result.revision).to.equal(3);
      const [, read, nested] = result.responses;
      expect('responseRange' in read && s(read.responseRange.kvs[0].value)).to.equal('1');
      expect('responseTxn' in nested && nested.responseTxn.succeeded).to.equal(true);
      expect(m.get(b('k'))).to.equal(undefined);
      expect(m.get(b('never'))).to.equal(undefined);
    });

    it('refuses more than 128 ops and a key written twice, before doing anything', () => {
      const m = new MvccStore();
      const ops = (n: number): RequestOp[] => Array.from({ length: n }, (_, i) => ({ requestPut: { key: b(`k${i}`), value: b('v') } }));
      expect(code(() => m.txn(new Batch(), { success: ops(129) }))).to.equal('TooManyOps');
      expect(code(() => m.txn(new Batch(), { success: ops(128) }))).to.equal('ok');
      const twice: RequestOp[] = [{ requestPut: { key: b('x'), value: b('1') } }, { requestPut: { key: b('x'), value: b('2') } }];
      expect(code(() => m.txn(new Batch(), { success: twice }))).to.equal('DuplicateKey');
      const putInDeleted: RequestOp[] = [{ requestDeleteRange: { key: b('a'), rangeEnd: b('m') } }, { requestPut: { key: b('c'), value: b('1') } }];
      expect(code(() => m.txn(new Batch(), { success: putInDeleted }))).to.equal('DuplicateKey');
      const nestedDup: RequestOp[] = [{ requestPut: { key: b('x'), value: b('1') } }, { requestTxn: { failure: [{ requestPut: { key: b('x'), value: b('2') } }] } }];
      expect(code(() => m.txn(new Batch(), { success: nestedDup }))).to.equal('DuplicateKey');
      const bothBranches: RequestOp[] = [{ requestTxn: { success: [{ requestPut: { key: b('x'), value: b('1') } }], failure: [{ requestPut: { key: b('x'), value: b('2') } }] } }];
      expect(code(() => m.txn(new Batch(), { success: bothBranches })), 'only one nested branch runs').to.equal('ok');
      const inOtherBranch = { success: [{ requestPut: { key: b('y'), value: b('1') } }], failure: [{ requestPut: { key: b('y'), value: b('2') } }] };
      expect(code(() => m.txn(new Batch(), inOtherBranch))).to.equal('ok');
    });

    it('is atomic: a txn that fails halfway leaves no trace', () => {
      const m = new MvccStore();
      put(m, 'k', 'v');
      const batch = new Batch();
      const before = m.hashKV().hash;
      expect(code(() => m.txn(batch, { success: [{ requestPut: { key: b('new'), value: b('1') } }, { requestPut: { key: b('absent'), ignoreValue: true } }] }))).to.equal('KeyNotFound');
      expect(m.get(b('new'))).to.equal(undefined);
      expect(m.currentRevision).to.equal(2);
      expect(batch.ops).to.deep.equal([]);
      expect(m.hashKV().hash).to.equal(before);
      expect(put(m, 'next', 'x')).to.equal(3);
    });

    it('undoes writes to existing keys too: a new version and a deletion are rolled back', () => {
      const m = new MvccStore();
      put(m, 'k', 'v1');
      put(m, 'k', 'v2');
      put(m, 'd', 'x');
      const before = m.hashKV().hash;
      const failing = { success: [{ requestPut: { key: b('k'), value: b('v3') } }, { requestDeleteRange: { key: b('d') } }, { requestPut: { key: b('absent'), ignoreLease: true } }] };
      expect(code(() => m.txn(new Batch(), failing))).to.equal('KeyNotFound');
      expect(m.hashKV().hash).to.equal(before);
      expect(s(m.get(b('k'))!.value)).to.equal('v2');
      expect(m.get(b('k'))!.version).to.equal(2);
      expect(s(m.get(b('d'))!.value)).to.equal('x');
      expect(m.range({ key: b('k'), revision: 2 }).kvs.map((kv) => s(kv.value))).to.deep.equal(['v1']);
      expect(put(m, 'k', 'v3')).to.equal(5);
      expect(m.get(b('k'))!.version).to.equal(3);
    });
  });

  describe('compaction', () => {
    it('keeps the latest revision of each key at the compacted revision and everything after', () => {
      const m = new MvccStore();
      put(m, 'a', '1'); // 2
      put(m, 'a', '2'); // 3
      put(m, 'b', '1'); // 4
      del(m, 'b'); // 5
      put(m, 'a', '3'); // 6
      const batch = new Batch();
      m.compact(batch, 5);
      expect(s(m.range({ key: b('a'), revision: 5 }).kvs[0].value)).to.equal('2');
      expect(m.range({ key: b('b'), revision: 5 }).kvs).to.deep.equal([]);
      expect(s(m.get(b('a'))!.value)).to.equal('3');
      // Revisions 2 (a=1), 4 (b=1) and 5 (b's tombstone) are gone from storage.
      expect(batch.ops.filter((o) => o.type === 'del')).to.have.length(3);
      expect(code(() => m.compact(new Batch(), 5))).to.equal('Compacted');
      expect(code(() => m.compact(new Batch(), 7))).to.equal('FutureRev');
      expect(code(() => m.eventsSince(b('a'), ALL, 4))).to.equal('Compacted');
      // At the compacted revision itself only what compaction kept remains (b's tombstone is gone).
      expect(m.eventsSince(b('a'), ALL, 5).map((e) => e.kv.modRevision)).to.deep.equal([6]);
    });
  });

  describe('history and hashes', () => {
    it('replays events of a range since a revision, in order', () => {
      const m = new MvccStore();
      put(m, 'a', '1');
      put(m, 'x', '1');
      put(m, 'b', '1');
      del(m, 'a');
      const events = m.eventsSince(b('a'), b('c'), 2);
      expect(events.map((e) => [e.type, s(e.kv.key), e.kv.modRevision])).to.deep.equal([
        ['PUT', 'a', 2],
        ['PUT', 'b', 4],
        ['DELETE', 'a', 5],
      ]);
    });

    it('hashKV agrees for equal histories and differs otherwise', () => {
      const one = new MvccStore();
      const two = new MvccStore();
      for (const m of [one, two]) {
        put(m, 'a', '1');
        put(m, 'b', '2');
      }
      expect(one.hashKV().hash).to.equal(two.hashKV().hash);
      expect(one.hashKV(2).hash).to.equal(two.hashKV(2).hash);
      put(one, 'c', '3');
      put(two, 'c', 'different');
      expect(one.hashKV().hash).to.not.equal(two.hashKV().hash);
      expect(one.hashKV(3).hash, 'at an earlier revision they still agree').to.equal(two.hashKV(3).hash);
    });

    it('a snapshot restores an identical store', () => {
      const m = new MvccStore();
      put(m, 'a', '1');
      put(m, 'b', '2', 3n);
      del(m, 'a');
      m.compact(new Batch(), 3);
      const copy = new MvccStore();
      put(copy, 'stale', 'x');
      copy.restoreFrom(new Batch(), m.snapshotData());
      expect(copy.hashKV()).to.deep.equal(m.hashKV());
      expect(copy.get(b('stale'))).to.equal(undefined);
      expect(copy.get(b('b'))!.lease).to.equal(3n);
      expect(copy.compactedRevision).to.equal(3);
    });
  });

  describe('on disk', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'flotilla-mvcc-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('survives a restart exactly, consistent index included', async () => {
      const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
      const m = await MvccStore.open(db);
      const commit = async (fn: (batch: Batch) => void, index: number) => {
        const batch = new Batch();
        fn(batch);
        m.setConsistentIndex(batch, index);
        await db.batch(batch.ops);
      };
      await commit((bt) => m.put(bt, { key: b('a'), value: b('1') }), 10);
      await commit((bt) => m.put(bt, { key: b('a'), value: b('2'), lease: 12n }), 11);
      await commit((bt) => m.put(bt, { key: b('z'), value: b('1') }), 12);
      await commit((bt) => m.deleteRange(bt, { key: b('z') }), 13);
      await commit((bt) => m.compact(bt, 3), 14);
      const hash = m.hashKV();
      await db.close();

      const again = await MvccStore.open(new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' }));
      expect(again.currentRevision).to.equal(5);
      expect(again.compactedRevision).to.equal(3);
      expect(again.consistentIndex).to.equal(14);
      expect(again.hashKV()).to.deep.equal(hash);
      expect(again.get(b('a'))).to.deep.include({ version: 2, lease: 12n, createRevision: 2, modRevision: 3 });
      expect(again.get(b('z'))).to.equal(undefined);
      expect(code(() => again.range({ key: b('a'), revision: 2 }))).to.equal('Compacted');
    });
  });
});
