import type { History, HistoryOperation } from '../history.js';

/** A history the checkers cannot judge soundly (the runner's fault, not the store's). */
export class MalformedHistoryError extends Error {
  override readonly name = 'MalformedHistoryError';
}

export type WriteOperation = HistoryOperation & { readonly op: { readonly type: 'put' | 'cas'; readonly key: string; readonly value: string } };

/** Did this operation surely take effect and write its value (an ok put, or an ok cas that succeeded)? */
export function surelyWrote(op: HistoryOperation): boolean {
  if (op.outcome.status !== 'ok') return false;
  const r = op.outcome.result;
  return r.type === 'put' || (r.type === 'cas' && r.succeeded);
}

/** May this operation have written its value (it surely did, or its outcome is unknown)? */
export function mayHaveWritten(op: WriteOperation): boolean {
  return op.outcome.status === 'unknown' || surelyWrote(op);
}

/**
 * Every put and cas by the value it writes. The workload writes each value once, and several checks
 * rely on it (a value seen tells which write made it), so a repeated value is refused here.
 */
export class WriteIndex {
  private readonly byValue = new Map<string, WriteOperation>();

  constructor(history: History) {
    const ids = new Set<number>();
    for (const op of history.operations) {
      if (ids.has(op.id)) throw new MalformedHistoryError(`operation id ${op.id} appears twice`);
      ids.add(op.id);
      if (op.op.type !== 'put' && op.op.type !== 'cas') continue;
      const other = this.byValue.get(op.op.value);
      if (other) throw new MalformedHistoryError(`value ${JSON.stringify(op.op.value)} is written by both #${other.id} and #${op.id}; the workload must write unique values`);
      this.byValue.set(op.op.value, op as WriteOperation);
    }
  }

  /** The put or cas that writes `value`, whatever its outcome. */
  writerOf(value: string): WriteOperation | undefined {
    return this.byValue.get(value);
  }
}
