import type { History, HistoryOperation } from '../history.js';
import { distinguishableValues, earliestObservations } from './observations.js';
import { ABSENT, type RegisterOp } from './register-model.js';

/** The name the search gives every value no operation could tell apart from the others. */
export const UNOBSERVED_VALUE = '<a value never observed>';

/**
 * One key's sub-history. A history of single-key ops is linearizable iff every key's sub-history
 * is (linearizability is compositional: Herlihy & Wing; Porcupine's P-compositionality), so each
 * key is searched on its own.
 */
export interface KeyPartition {
  readonly key: string;
  /** The ops the search considers, `ops[i].index === i`. */
  readonly ops: readonly RegisterOp[];
  /** The history operation behind each op, same order. */
  readonly sources: readonly HistoryOperation[];
  /** Value names by interned id; id 0 is absent (null). */
  readonly values: readonly (string | null)[];
}

/**
 * Which ops the linearizability search sees: failed ops surely did not happen; an unknown get and a
 * serializable get (not required to be linearizable) constrain nothing.
 */
function isSearched(op: HistoryOperation): boolean {
  if (op.outcome.status === 'failed') return false;
  if (op.op.type === 'get') return op.outcome.status === 'ok' && !op.op.serializable;
  return true;
}

/** Interns a key's values to small ids: 0 for absent, one shared id for every value nobody could observe. */
class ValueNames {
  readonly names: (string | null)[] = [null];
  private readonly ids = new Map<string, number>();
  /** The shared id of the values nobody observed, once one is met. */
  unobserved: number | undefined;

  constructor(private readonly distinguishable: ReadonlySet<string>) {}

  id(value: string | null): number {
    if (value === null) return ABSENT;
    if (!this.distinguishable.has(value)) return (this.unobserved ??= this.add(UNOBSERVED_VALUE));
    return this.ids.get(value) ?? this.add(value);
  }

  private add(name: string): number {
    const id = this.names.length;
    this.names.push(name);
    if (name !== UNOBSERVED_VALUE) this.ids.set(name, id);
    return id;
  }
}

function compile(op: HistoryOperation, index: number, values: ValueNames, observed: Map<string, number>): RegisterOp {
  const base = { index, id: op.id, call: op.invokedAt, after: -1 };
  const outcome = op.outcome;
  const known = outcome.status === 'ok';
  const result = outcome.status === 'ok' ? outcome.result : undefined;
  const unknownRet = (value: string) => Math.max(op.invokedAt, observed.get(value) ?? Infinity);
  switch (op.op.type) {
    case 'put':
      return { ...base, kind: 'put', known, value: values.id(op.op.value), revision: result?.revision ?? -1, ret: known ? op.returnedAt : unknownRet(op.op.value) };
    case 'get':
      if (result?.type !== 'get') throw new Error(`get #${op.id} has a ${result?.type} result`);
      return { ...base, kind: 'get', value: values.id(result.value), modRevision: result.modRevision, ret: op.returnedAt };
    case 'delete':
      if (result && result.type !== 'delete') throw new Error(`delete #${op.id} has a ${result.type} result`);
      return { ...base, kind: 'delete', known, deleted: (result?.deleted ?? 0) > 0, ret: known ? op.returnedAt : Infinity };
    case 'cas':
      if (result && result.type !== 'cas') throw new Error(`cas #${op.id} has a ${result.type} result`);
      return {
        ...base,
        kind: 'cas',
        known,
        expected: values.id(op.op.expected),
        value: values.id(op.op.value),
        succeeded: result?.succeeded ?? false,
        revision: result?.revision ?? -1,
        ret: known ? op.returnedAt : unknownRet(op.op.value),
      };
  }
}

/**
 * Ops with an unknown outcome that would do the same thing if they took effect: deletes, puts of
 * values nobody observed, and cas ops of such values expecting the same value. Which of them took
 * effect cannot matter, only when: so the search takes them in invocation order (the earliest not
 * yet taken first), which loses no linearization (any one using some of them can use the earliest
 * invoked instead, at the same places) and spares it trying every subset.
 */
function interchangeableClass(op: RegisterOp, unobserved: number | undefined): string | undefined {
  if (op.kind === 'get' || op.known) return undefined;
  if (op.kind === 'delete') return 'delete';
  if (op.value !== unobserved) return undefined;
  return op.kind === 'put' ? 'put' : `cas ${op.expected}`;
}

function chainInterchangeable(ops: readonly RegisterOp[], unobserved: number | undefined): RegisterOp[] {
  const after = new Array<number>(ops.length).fill(-1);
  const lastOfClass = new Map<string, number>();
  for (const op of [...ops].sort((a, b) => a.call - b.call || a.index - b.index)) {
    const cls = interchangeableClass(op, unobserved);
    if (cls === undefined) continue;
    after[op.index] = lastOfClass.get(cls) ?? -1;
    lastOfClass.set(cls, op.index);
  }
  return ops.map((op) => (after[op.index] === -1 ? op : { ...op, after: after[op.index] }));
}

/** Splits the history's searched ops by key, keys in sorted order (so reports are stable). */
export function partitionByKey(history: History): KeyPartition[] {
  const observed = earliestObservations(history);
  const distinguishable = distinguishableValues(history);
  const byKey = new Map<string, HistoryOperation[]>();
  for (const op of history.operations) {
    if (!isSearched(op)) continue;
    const list = byKey.get(op.op.key);
    if (list) list.push(op);
    else byKey.set(op.op.key, [op]);
  }
  return [...byKey.keys()].sort().map((key) => {
    const sources = byKey.get(key) ?? [];
    const values = new ValueNames(distinguishable);
    const ops = chainInterchangeable(
      sources.map((op, i) => compile(op, i, values, observed)),
      values.unobserved,
    );
    return { key, ops, sources, values: values.names };
  });
}
