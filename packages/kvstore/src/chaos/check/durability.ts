/**
 * The durability check: the final state of each key is the effect of a write that could have been
 * the last one. A write is surely not last when an acknowledged write (an ok put, a cas that
 * succeeded, an ok delete) was invoked after it returned: that one took effect later. A write with
 * an unknown outcome may have taken effect at any time, so nothing surely follows it. So an
 * acknowledged write cannot vanish (the key absent, or holding an older value), and a value never
 * written, or written by a failed op, cannot appear.
 */
import type { History, HistoryOperation } from '../history.js';
import { describeOperation } from './operation-text.js';
import { resultOf, type CheckResult, type Violation } from './verdict.js';
import { mayHaveWritten, surelyWrote, type WriteIndex, type WriteOperation } from './write-index.js';

/** Did this op surely change the key (a write whose effect a later reader must see, or a delete)? */
function surelyChanged(op: HistoryOperation): boolean {
  return surelyWrote(op) || (op.op.type === 'delete' && op.outcome.status === 'ok');
}

/**
 * An acknowledged write invoked after `op` returned, if any: proof that `op` was not the last.
 * `latest` is the acknowledged change invoked last; if any change followed `op`, it does.
 */
function laterWrite(op: HistoryOperation, latest: HistoryOperation | undefined): HistoryOperation | undefined {
  return op.outcome.status === 'ok' && latest && latest.invokedAt > op.returnedAt ? latest : undefined;
}

function checkKey(key: string, ops: readonly HistoryOperation[], final: { value: string } | undefined, writes: WriteIndex): Violation | null {
  const changers = ops.filter(surelyChanged);
  const latest = changers.reduce<HistoryOperation | undefined>((a, b) => (a && a.invokedAt >= b.invokedAt ? a : b), undefined);
  if (final) {
    const writer = writes.writerOf(final.value);
    const at = `key ${JSON.stringify(key)} holds ${JSON.stringify(final.value)} at the end`;
    if (!writer || writer.op.key !== key) return { kind: 'unwritten-value', key, message: `${at}, a value no operation wrote to it` };
    if (!mayHaveWritten(writer)) return { kind: 'failed-write-visible', key, operations: [writer.id], message: `${at}, written by ${describeOperation(writer)}, which did not take effect` };
    const later = laterWrite(writer, latest);
    if (later) {
      return { kind: 'overwritten-value-returned', key, operations: [writer.id, later.id], message: `${at}, written by ${describeOperation(writer)}, but ${describeOperation(later)} was invoked after it returned` };
    }
    return null;
  }
  // Absent at the end: a delete, a lease's expiry, or no write at all must be able to come last.
  const mayBeLast = ops.filter((op) => op.op.type !== 'get' && op.outcome.status !== 'failed' && !laterWrite(op, latest));
  const explainsAbsence = (op: HistoryOperation) =>
    op.op.type === 'delete' || (op.op.type === 'put' && op.op.lease !== undefined && mayHaveWritten(op as WriteOperation));
  if (changers.length === 0 || mayBeLast.some(explainsAbsence)) return null;
  const lastAcknowledged = mayBeLast.filter(surelyWrote);
  return {
    kind: 'lost-write',
    key,
    operations: lastAcknowledged.map((op) => op.id),
    message: `key ${JSON.stringify(key)} is absent at the end, but nothing that deletes it can follow ${lastAcknowledged.map((op) => describeOperation(op)).join('; ')}`,
  };
}

export function checkDurability(history: History, writes: WriteIndex, maxViolations: number): CheckResult<{ readonly keys: number }> {
  const byKey = new Map<string, HistoryOperation[]>();
  for (const key of Object.keys(history.finalState)) byKey.set(key, []);
  for (const op of history.operations) {
    const list = byKey.get(op.op.key);
    if (list) list.push(op);
    else byKey.set(op.op.key, [op]);
  }
  const violations: Violation[] = [];
  for (const [key, ops] of [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const v = checkKey(key, ops, Object.hasOwn(history.finalState, key) ? history.finalState[key] : undefined, writes);
    if (v) violations.push(v);
  }
  return resultOf('durability', violations, maxViolations, `the final state of ${byKey.size} keys follows from the writes`, { keys: byKey.size });
}
