/**
 * What the run observed of each value, which the linearizability search uses to narrow what an
 * operation with an unknown outcome could have done. Both narrowings only drop executions a
 * correct store could not have had, so the check stays sound.
 */
import type { History } from '../history.js';

/**
 * The earliest time each value was seen: read by a get (linearizable or not), compared equal by a
 * cas that succeeded, or delivered to a watcher. A write with an unknown outcome whose value was
 * seen surely took effect before then, which bounds its return time.
 */
export function earliestObservations(history: History): Map<string, number> {
  const seen = new Map<string, number>();
  const observe = (value: string | null | undefined, at: number) => {
    if (value === null || value === undefined) return;
    const prior = seen.get(value);
    if (prior === undefined || at < prior) seen.set(value, at);
  };
  for (const op of history.operations) {
    if (op.outcome.status !== 'ok') continue;
    const r = op.outcome.result;
    if (r.type === 'get') observe(r.value, op.returnedAt);
    if (r.type === 'cas' && r.succeeded && op.op.type === 'cas') observe(op.op.expected, op.returnedAt);
  }
  for (const w of history.watches) for (const e of w.events) if (e.type === 'PUT') observe(e.value, e.receivedAt);
  return seen;
}

/**
 * The values some operation could tell apart from others: returned by a get, named as a cas's
 * expected value (whatever its outcome), delivered to a watcher or in the final state. No op of
 * the history distinguishes the register holding one of the other values from holding another, so
 * the search may treat them all as one value; this is exact, not an approximation.
 */
export function distinguishableValues(history: History): Set<string> {
  const values = new Set<string>();
  for (const op of history.operations) {
    if (op.op.type === 'cas' && op.op.expected !== null) values.add(op.op.expected);
    if (op.outcome.status === 'ok' && op.outcome.result.type === 'get' && op.outcome.result.value !== null) values.add(op.outcome.result.value);
  }
  for (const w of history.watches) for (const e of w.events) if (e.value !== undefined) values.add(e.value);
  for (const kv of Object.values(history.finalState)) values.add(kv.value);
  return values;
}
