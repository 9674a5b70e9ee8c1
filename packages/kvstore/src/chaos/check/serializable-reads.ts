/**
 * Serializable gets may be stale (a follower answers from what it has applied), so they are not in
 * the linearizability check; but whatever they return must have been written to that key by a
 * write that may have taken effect, invoked before the read returned.
 */
import type { History } from '../history.js';
import { describeOperation } from './operation-text.js';
import { resultOf, type CheckResult, type Violation } from './verdict.js';
import { mayHaveWritten, type WriteIndex } from './write-index.js';

export function checkSerializableReads(history: History, writes: WriteIndex, maxViolations: number): CheckResult<{ readonly reads: number }> {
  const violations: Violation[] = [];
  let reads = 0;
  for (const op of history.operations) {
    if (op.op.type !== 'get' || !op.op.serializable || op.outcome.status !== 'ok' || op.outcome.result.type !== 'get') continue;
    reads++;
    const value = op.outcome.result.value;
    if (value === null) continue;
    const writer = writes.writerOf(value);
    const why = !writer || writer.op.key !== op.op.key
      ? 'no operation wrote it to that key'
      : !mayHaveWritten(writer)
        ? `${describeOperation(writer)} wrote it, but did not take effect`
        : writer.invokedAt > op.returnedAt
          ? `${describeOperation(writer)} wrote it, but only after the read returned`
          : null;
    if (why) violations.push({ kind: 'serializable-unwritten-value', key: op.op.key, operations: writer ? [writer.id, op.id] : [op.id], message: `${describeOperation(op)} read ${JSON.stringify(value)}: ${why}` });
  }
  return resultOf('serializable-reads', violations, maxViolations, `${reads} serializable reads returned written values`, { reads });
}
