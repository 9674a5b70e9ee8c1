/**
 * Ways to break a correct history that the checker must always find, each with the check that must
 * report it. Each picks its target with the seeded source, and answers null when the history has
 * no place for it (the caller counts how often each one applied).
 */
import type { SeededRandom } from '../../../src/chaos/seeded-random.js';
import type { History, HistoryOperation, KvResult, RecordedWatchEvent } from '../../../src/chaos/history.js';
import type { VerdictChecks } from '../../../src/chaos/check/index.js';

export interface Corruption {
  readonly name: string;
  readonly caughtBy: keyof VerdictChecks;
  readonly apply: (h: History, rng: SeededRandom) => History | null;
}

const okResult = (op: HistoryOperation): KvResult | undefined => (op.outcome.status === 'ok' ? op.outcome.result : undefined);
const surelyWrote = (op: HistoryOperation) => {
  const r = okResult(op);
  return r?.type === 'put' || (r?.type === 'cas' && r.succeeded);
};
const surelyChanged = (op: HistoryOperation) => surelyWrote(op) || (op.op.type === 'delete' && op.outcome.status === 'ok');
const linearizableGets = (h: History) => h.operations.filter((op) => op.op.type === 'get' && !op.op.serializable && op.outcome.status === 'ok');

function withResult(h: History, id: number, result: KvResult): History {
  return { ...h, operations: h.operations.map((op) => (op.id === id ? { ...op, outcome: { status: 'ok', result } } : op)) };
}

function withWatcherEvents(h: History, watcher: number, edit: (events: RecordedWatchEvent[]) => RecordedWatchEvent[] | null): History | null {
  const w = h.watches.find((x) => x.watcher === watcher);
  const events = w && w.events.length > 1 ? edit([...w.events]) : null;
  return events ? { ...h, watches: h.watches.map((x) => (x === w ? { ...x, events } : x)) } : null;
}

/** A get made to return a value that a later acknowledged change had replaced before the get began. */
const staleRead: Corruption = {
  name: 'stale read',
  caughtBy: 'linearizability',
  apply(h, rng) {
    for (const g of rng.shuffled(linearizableGets(h))) {
      const sameKey = h.operations.filter((op) => op.op.key === g.op.key);
      const replacing = sameKey.filter((op) => surelyChanged(op) && op.returnedAt < g.invokedAt).sort((a, b) => b.invokedAt - a.invokedAt)[0];
      const old = replacing && sameKey.find((op) => surelyWrote(op) && op.returnedAt < replacing.invokedAt);
      if (!old || (old.op.type !== 'put' && old.op.type !== 'cas')) continue;
      const r = okResult(g);
      if (r?.type !== 'get') continue;
      return withResult(h, g.id, { ...r, value: old.op.value, modRevision: okResult(old)?.revision ?? 0 });
    }
    return null;
  },
};

const unwrittenRead: Corruption = {
  name: 'read of a value never written',
  caughtBy: 'linearizability',
  apply(h, rng) {
    const gets = linearizableGets(h);
    if (gets.length === 0) return null;
    const g = rng.choose(gets);
    const r = okResult(g);
    return r?.type === 'get' ? withResult(h, g.id, { ...r, value: 'never-written', modRevision: Math.max(1, r.revision) }) : null;
  },
};

/** A cas that wrote a value someone read, reported as not having succeeded. */
const casDenied: Corruption = {
  name: 'cas result flipped',
  caughtBy: 'linearizability',
  apply(h, rng) {
    const read = new Set(linearizableGets(h).flatMap((g) => {
      const r = okResult(g);
      return r?.type === 'get' && r.value !== null ? [r.value] : [];
    }));
    const cases = h.operations.filter((op) => op.op.type === 'cas' && surelyWrote(op) && read.has(op.op.value));
    if (cases.length === 0) return null;
    const c = rng.choose(cases);
    return withResult(h, c.id, { type: 'cas', succeeded: false, revision: okResult(c)?.revision ?? 0 });
  },
};

/**
 * The final state missing a key whose final value an acknowledged write put there, when every
 * delete of that key returned before that write began: nothing can have removed it since.
 */
const lostWrite: Corruption = {
  name: 'lost write',
  caughtBy: 'durability',
  apply(h, rng) {
    const keys = Object.keys(h.finalState).filter((key) => {
      const last = h.operations.find((op) => (op.op.type === 'put' || op.op.type === 'cas') && op.op.value === h.finalState[key].value);
      const deletes = h.operations.filter((op) => op.op.key === key && op.op.type === 'delete' && op.outcome.status !== 'failed');
      return last && surelyWrote(last) && deletes.every((d) => d.outcome.status === 'ok' && d.returnedAt < last.invokedAt);
    });
    if (keys.length === 0) return null;
    const lost = rng.choose(keys);
    return { ...h, finalState: Object.fromEntries(Object.entries(h.finalState).filter(([k]) => k !== lost)) };
  },
};

const duplicateEvent: Corruption = {
  name: 'duplicate watch event',
  caughtBy: 'watch',
  apply: (h, rng) =>
    withWatcherEvents(h, 0, (events) => {
      const i = rng.below(events.length);
      events.splice(i + 1, 0, events[i]);
      return events;
    }),
};

const missingEvent: Corruption = {
  name: 'watch gap',
  caughtBy: 'watch',
  apply: (h, rng) => withWatcherEvents(h, 0, (events) => (events.splice(rng.below(events.length), 1), events)),
};

const swappedEvents: Corruption = {
  name: 'out-of-order watch events',
  caughtBy: 'watch',
  apply: (h, rng) =>
    withWatcherEvents(h, 0, (events) => {
      const i = rng.below(events.length - 1);
      [events[i], events[i + 1]] = [events[i + 1], events[i]];
      return events;
    }),
};

export const CORRUPTIONS: readonly Corruption[] = [staleRead, unwrittenRead, casDenied, lostWrite, duplicateEvent, missingEvent, swappedEvents];
