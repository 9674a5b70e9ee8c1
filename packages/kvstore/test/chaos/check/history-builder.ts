/**
 * Writes small histories by hand for the checker's tests: one call per operation, with its
 * interval and what the store answered ('unknown' and 'failed' for those outcomes).
 */
import type { FaultRecord, FinalState, History, HistoryOperation, KvOperation, KvResult, LeaseRecord, WatchRecord } from '../../../src/chaos/history.js';

type Interval = readonly [invokedAt: number, returnedAt: number];
type Ending<R> = R | 'unknown' | 'failed';

export class HistoryBuilder {
  private readonly operations: HistoryOperation[] = [];
  private readonly watches: WatchRecord[] = [];
  private readonly leases: LeaseRecord[] = [];
  private readonly faults: FaultRecord[] = [];
  private readonly finalState: Record<string, { value: string; modRevision: number }> = {};
  private endedAt: number | undefined;

  /** The id the next operation gets. */
  get nextId(): number {
    return this.operations.length;
  }

  private add(op: KvOperation, [invokedAt, returnedAt]: Interval, ending: Ending<KvResult>, client: number | undefined): this {
    const outcome = ending === 'unknown' || ending === 'failed' ? { status: ending, error: `${ending} in the test` } : { status: 'ok' as const, result: ending };
    const id = this.operations.length;
    this.operations.push({ id, client: client ?? id, op, invokedAt, returnedAt, outcome });
    return this;
  }

  /** The highest revision of an ok op that returned before `t`: the least a linearizable op invoked at `t` sees. */
  private revisionBefore(t: number): number {
    let max = 0;
    for (const op of this.operations) if (op.outcome.status === 'ok' && op.returnedAt < t) max = Math.max(max, op.outcome.result.revision);
    return max;
  }

  put(key: string, value: string, at: Interval, revision: Ending<number>, opts: { lease?: string; client?: number } = {}): this {
    const op: KvOperation = opts.lease === undefined ? { type: 'put', key, value } : { type: 'put', key, value, lease: opts.lease };
    return this.add(op, at, typeof revision === 'number' ? { type: 'put', revision } : revision, opts.client);
  }

  /** A get that read `value` (null: absent) at `modRevision`; its header revision defaults to what it must at least be. */
  get(key: string, at: Interval, value: string | null, modRevision = 0, opts: { serializable?: boolean; revision?: number; client?: number; ending?: 'unknown' | 'failed' } = {}): this {
    const op: KvOperation = opts.serializable ? { type: 'get', key, serializable: true } : { type: 'get', key };
    const revision = opts.revision ?? Math.max(modRevision, this.revisionBefore(at[0]));
    return this.add(op, at, opts.ending ?? { type: 'get', value, modRevision, revision }, opts.client);
  }

  del(key: string, at: Interval, result: Ending<{ deleted: number; revision: number }>, opts: { client?: number } = {}): this {
    return this.add({ type: 'delete', key }, at, typeof result === 'string' ? result : { type: 'delete', ...result }, opts.client);
  }

  cas(key: string, expected: string | null, value: string, at: Interval, result: Ending<{ succeeded: boolean; revision: number }>, opts: { client?: number } = {}): this {
    return this.add({ type: 'cas', key, expected, value }, at, typeof result === 'string' ? result : { type: 'cas', ...result }, opts.client);
  }

  final(key: string, value: string, modRevision: number): this {
    this.finalState[key] = { value, modRevision };
    return this;
  }

  watch(record: Omit<WatchRecord, 'resumes'> & { resumes?: WatchRecord['resumes'] }): this {
    this.watches.push({ resumes: [], ...record });
    return this;
  }

  lease(record: LeaseRecord): this {
    this.leases.push(record);
    return this;
  }

  fault(record: FaultRecord): this {
    this.faults.push(record);
    return this;
  }

  endAt(t: number): this {
    this.endedAt = t;
    return this;
  }

  build(): History {
    const lastReturn = this.operations.reduce((m, op) => Math.max(m, op.returnedAt), 0);
    const finalState: FinalState = { ...this.finalState };
    return { operations: [...this.operations], watches: [...this.watches], leases: [...this.leases], faults: [...this.faults], endedAt: this.endedAt ?? lastReturn + 1000, finalState };
  }
}

/** A PUT or DELETE event as a watcher received it. */
export const putEvent = (key: string, value: string, modRevision: number, receivedAt = modRevision * 10) => ({ type: 'PUT' as const, key, value, modRevision, receivedAt });
export const deleteEvent = (key: string, modRevision: number, receivedAt = modRevision * 10) => ({ type: 'DELETE' as const, key, modRevision, receivedAt });
