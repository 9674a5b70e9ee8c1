import { EtcdError } from '../errors/index.js';
import { keyRange, overlaps, toKey, type KeyRange } from './key-range.js';
import { CompareResult, CompareTarget, type Compare, type KeyValue, type RequestOp, type TxnRequest } from './types.js';

/**
 * etcd's checks before a txn runs: at most `maxOps` compares and ops per branch, and no
 * key written twice in one branch (two puts of a key, or a put inside a deleted range),
 * nested txns included.
 */
export function validateTxn(req: TxnRequest, maxOps: number): void {
  if ((req.compare?.length ?? 0) > maxOps || (req.success?.length ?? 0) > maxOps || (req.failure?.length ?? 0) > maxOps) {
    throw new EtcdError('TooManyOps');
  }
  for (const c of req.compare ?? []) if (c.key.byteLength === 0) throw new EtcdError('EmptyKey');
  writesOf(req.success ?? [], maxOps);
  writesOf(req.failure ?? [], maxOps);
}

interface Writes {
  readonly puts: Set<string>;
  readonly deletes: KeyRange[];
}

function writesOf(ops: readonly RequestOp[], maxOps: number): Writes {
  const puts = new Set<string>();
  const deletes: KeyRange[] = [];
  const addPut = (key: string) => {
    if (puts.has(key)) throw new EtcdError('DuplicateKey');
    puts.add(key);
  };
  for (const op of ops) {
    if ('requestPut' in op) {
      if (op.requestPut.key.byteLength === 0) throw new EtcdError('EmptyKey');
      addPut(toKey(op.requestPut.key));
    } else if ('requestDeleteRange' in op) {
      if (op.requestDeleteRange.key.byteLength === 0) throw new EtcdError('EmptyKey');
      deletes.push(keyRange(op.requestDeleteRange.key, op.requestDeleteRange.rangeEnd));
    } else if ('requestRange' in op) {
      if (op.requestRange.key.byteLength === 0) throw new EtcdError('EmptyKey');
    } else {
      const nested = op.requestTxn;
      if ((nested.compare?.length ?? 0) > maxOps || (nested.success?.length ?? 0) > maxOps || (nested.failure?.length ?? 0) > maxOps) {
        throw new EtcdError('TooManyOps');
      }
      // Either branch of a nested txn may run: both count against this branch's writes
      // (though the two branches may write the same key, since only one runs).
      const success = writesOf(op.requestTxn.success ?? [], maxOps);
      const failure = writesOf(op.requestTxn.failure ?? [], maxOps);
      for (const key of new Set([...success.puts, ...failure.puts])) addPut(key);
      deletes.push(...success.deletes, ...failure.deletes);
    }
  }
  for (const key of puts) {
    for (const d of deletes) if (overlaps(d, { from: key, to: undefined, single: true })) throw new EtcdError('DuplicateKey');
  }
  return { puts, deletes };
}

/**
 * Applies one compare to a key's current value (a missing key is all zeros, except for
 * VALUE). Unknown enum numbers pass the gateway; as in etcd 3.4, an unknown target
 * compares as equal and an unknown result holds.
 */
export function compareMatches(c: Compare, kv: KeyValue | undefined): boolean {
  if (!kv && c.target === CompareTarget.VALUE) return false;
  let cmp = 0;
  switch (c.target) {
    case CompareTarget.VERSION:
      cmp = Math.sign((kv?.version ?? 0) - (c.version ?? 0));
      break;
    case CompareTarget.CREATE:
      cmp = Math.sign((kv?.createRevision ?? 0) - (c.createRevision ?? 0));
      break;
    case CompareTarget.MOD:
      cmp = Math.sign((kv?.modRevision ?? 0) - (c.modRevision ?? 0));
      break;
    case CompareTarget.LEASE: {
      const have = kv?.lease ?? 0n;
      const want = c.lease ?? 0n;
      cmp = have < want ? -1 : have > want ? 1 : 0;
      break;
    }
    case CompareTarget.VALUE:
      cmp = Math.sign(Buffer.compare(Buffer.from(kv!.value), Buffer.from(c.value ?? new Uint8Array(0))));
      break;
  }
  switch (c.result) {
    case CompareResult.EQUAL:
      return cmp === 0;
    case CompareResult.NOT_EQUAL:
      return cmp !== 0;
    case CompareResult.GREATER:
      return cmp > 0;
    case CompareResult.LESS:
      return cmp < 0;
    default:
      return true;
  }
}
