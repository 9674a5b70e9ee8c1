import { Code, err, hdr, kv, type ParityCase } from '../parity-case.js';
import { Scope } from '../scope.js';

const COMPACTED = err(400, Code.OutOfRange, 'etcdserver: mvcc: required revision has been compacted');
const FUTURE = err(400, Code.OutOfRange, 'etcdserver: mvcc: required revision is a future revision');

/** The edges of the revision window: compaction below, the current revision above. */
export const revisionCases: readonly ParityCase[] = [
  {
    name: 'after compaction, reads below the compacted revision fail and reads at it succeed',
    async run(t) {
      const s = await Scope.open(t, 'parity/compact/');
      for (const v of ['1', '2', '3']) await s.put('a', v);
      const compact = (delta: number, physical = false) => s.call('/v3/kv/compaction', { revision: s.rev(delta), physical });
      return {
        compact: await compact(2),
        below: await s.range('a', { revision: s.rev(1) }),
        belowSerializable: await s.range('a', { revision: s.rev(1), serializable: true }, 1),
        at: await s.range('a', { revision: s.rev(2) }),
        latest: await s.range('a'),
        txnBelow: await s.call('/v3/kv/txn', { success: [{ request_range: { key: s.k('a'), revision: s.rev(1) } }] }),
        again: await compact(2),
        lower: await compact(1),
        future: await compact(10),
        physical: await compact(3, true),
      };
    },
    expected: {
      compact: { header: hdr(3) },
      below: COMPACTED,
      belowSerializable: COMPACTED,
      at: { header: hdr(3), kvs: [kv('a', '2', { c: 1, m: 2, v: 2 })], count: '1' },
      latest: { header: hdr(3), kvs: [kv('a', '3', { c: 1, m: 3, v: 3 })], count: '1' },
      txnBelow: COMPACTED,
      again: COMPACTED,
      lower: COMPACTED,
      future: FUTURE,
      physical: { header: hdr(3) },
    },
  },
  {
    name: 'a read at a revision after the current one fails with a future-revision error',
    async run(t) {
      const s = await Scope.open(t, 'parity/future/');
      await s.put('a', '1');
      return {
        current: await s.range('a', { revision: s.rev(1) }),
        next: await s.range('a', { revision: s.rev(2) }),
        far: await s.all({ revision: s.rev(1000) }),
        txn: await s.call('/v3/kv/txn', { success: [{ request_range: { key: s.k('a'), revision: s.rev(2) } }] }),
      };
    },
    expected: {
      current: { header: hdr(1), kvs: [kv('a', '1', { c: 1, m: 1, v: 1 })], count: '1' },
      next: FUTURE,
      far: FUTURE,
      txn: FUTURE,
    },
  },
];
