/**
 * Histories of a store that is linearizable by construction, for the checker's randomized tests and
 * its benchmark: concurrent clients invoke operations over random intervals, each operation takes
 * effect atomically at a random point inside its interval (an `unknown` one at any point after its
 * call, or never; a `failed` one never), and the answers, revisions, watch events and final state
 * are those of an etcd-like store applying them in that order. Everything comes from one seed.
 */
import type { FinalState, History, HistoryOperation, KvOperation, KvResult, Outcome, RecordedWatchEvent, WatchRecord } from '../../../src/chaos/history.js';
import { SeededRandom } from '../../../src/chaos/seeded-random.js';

export interface SimulationOptions {
  readonly seed: number;
  readonly clients: number;
  readonly keys: number;
  readonly operations: number;
  /** Share of ops whose outcome is unknown (half of them take effect). */
  readonly unknownRate?: number;
  /** Share of ops that fail (and never take effect). */
  readonly failedRate?: number;
  /** Share of gets that are serializable (and read a slightly stale version). */
  readonly serializableRate?: number;
}

interface Planned {
  readonly id: number;
  readonly client: number;
  readonly op: KvOperation;
  readonly invokedAt: number;
  readonly returnedAt: number;
  /** When it takes effect; undefined when it never does. */
  readonly effectAt: number | undefined;
  readonly ending: 'ok' | 'unknown' | 'failed';
}

interface Version {
  readonly value: string | null;
  readonly modRevision: number;
}

function planOperations(rng: SeededRandom, o: SimulationOptions): Planned[] {
  const planned: Planned[] = [];
  const clock = new Array<number>(o.clients).fill(0);
  const recentValues = new Map<string, string[]>();
  for (let id = 0; id < o.operations; id++) {
    const client = rng.below(o.clients);
    const key = `k${rng.below(o.keys)}`;
    const invokedAt = clock[client] + rng.between(0, 2);
    const latency = rng.next() < 0.05 ? rng.between(5, 40) : rng.between(0.2, 4);
    const roll = rng.next();
    const ending = roll < (o.unknownRate ?? 0) ? 'unknown' : roll < (o.unknownRate ?? 0) + (o.failedRate ?? 0) ? 'failed' : 'ok';
    const returnedAt = invokedAt + latency;
    // An unknown op may be applied long after its client gave up on it.
    const effectAt = ending === 'failed' || (ending === 'unknown' && rng.next() < 0.5) ? undefined : ending === 'unknown' ? invokedAt + rng.between(0, latency * 3) : rng.between(invokedAt, returnedAt);
    const value = `v${id}`;
    const recent = recentValues.get(key) ?? [];
    const kind = rng.next();
    let op: KvOperation;
    if (kind < 0.35) op = { type: 'put', key, value };
    else if (kind < 0.65) op = rng.next() < (o.serializableRate ?? 0.1) ? { type: 'get', key, serializable: true } : { type: 'get', key };
    else if (kind < 0.75) op = { type: 'delete', key };
    else op = { type: 'cas', key, expected: recent.length === 0 || rng.next() < 0.2 ? null : rng.choose(recent.slice(-3)), value };
    if (op.type === 'put' || op.type === 'cas') recentValues.set(key, [...recent.slice(-3), value]);
    planned.push({ id, client, op, invokedAt, returnedAt, effectAt, ending });
    clock[client] = returnedAt;
  }
  return planned;
}

/** An etcd-like store: one revision counter, each key's versions, and the events of every change. */
class SimulatedStore {
  revision = 1;
  readonly versions = new Map<string, Version[]>();
  readonly events: (Omit<RecordedWatchEvent, 'receivedAt'> & { at: number })[] = [];

  current(key: string): Version {
    const vs = this.versions.get(key);
    return vs?.[vs.length - 1] ?? { value: null, modRevision: 0 };
  }

  private write(key: string, value: string | null, at: number): void {
    this.revision++;
    const list = this.versions.get(key) ?? [];
    list.push({ value, modRevision: value === null ? 0 : this.revision });
    this.versions.set(key, list);
    this.events.push(value === null ? { type: 'DELETE', key, modRevision: this.revision, at } : { type: 'PUT', key, value, modRevision: this.revision, at });
  }

  apply(op: KvOperation, at: number, rng: SeededRandom): KvResult {
    const now = this.current(op.key);
    switch (op.type) {
      case 'put':
        this.write(op.key, op.value, at);
        return { type: 'put', revision: this.revision };
      case 'get': {
        const vs = this.versions.get(op.key) ?? [];
        // A serializable read may come from a follower a version or two behind.
        const seen = op.serializable && vs.length > 1 ? vs[vs.length - 1 - rng.below(Math.min(vs.length, 3))] : now;
        return { type: 'get', value: seen.value, modRevision: seen.modRevision, revision: this.revision };
      }
      case 'delete':
        if (now.value === null) return { type: 'delete', deleted: 0, revision: this.revision };
        this.write(op.key, null, at);
        return { type: 'delete', deleted: 1, revision: this.revision };
      case 'cas':
        if (now.value !== op.expected) return { type: 'cas', succeeded: false, revision: this.revision };
        this.write(op.key, op.value, at);
        return { type: 'cas', succeeded: true, revision: this.revision };
    }
  }
}

/** Two watchers on every key (one losing its stream once and resuming) and one on the keys k1*. */
function watchRecords(store: SimulatedStore, rng: SeededRandom, endRevision: number): WatchRecord[] {
  // A stream delivers in order, each event a little after its change.
  const delivered = (prefix: string) => {
    let last = 0;
    return store.events.filter((e) => e.key.startsWith(prefix)).map(({ at, ...e }): RecordedWatchEvent => ({ ...e, receivedAt: (last = Math.max(last, at + rng.between(0.1, 1))) }));
  };
  const all = delivered('k');
  const cut = all.length > 2 ? rng.below(all.length - 1) : -1;
  const resumes = cut < 0 ? [] : [{ at: all[cut].receivedAt + 0.01, fromRevision: all[cut].modRevision + 1 }];
  // The resumed stream's events arrive after the resume.
  const resumed = all.map((e, i) => (i > cut && cut >= 0 ? { ...e, receivedAt: Math.max(e.receivedAt, resumes[0].at + 0.01) } : e));
  return [
    { watcher: 0, prefix: 'k', startRevision: 1, events: delivered('k'), resumes: [], syncedRevision: endRevision },
    { watcher: 1, prefix: 'k', startRevision: 1, events: resumed, resumes, syncedRevision: endRevision },
    { watcher: 2, prefix: 'k1', startRevision: 1, events: delivered('k1'), resumes: [], syncedRevision: endRevision },
  ];
}

export function simulateHistory(o: SimulationOptions): History {
  const rng = new SeededRandom(o.seed);
  const planned = planOperations(rng.derive('plan'), o);
  const store = new SimulatedStore();
  const results = new Map<number, KvResult>();
  const applying = rng.derive('apply');
  for (const p of planned.filter((p) => p.effectAt !== undefined).sort((a, b) => (a.effectAt ?? 0) - (b.effectAt ?? 0))) {
    results.set(p.id, store.apply(p.op, p.effectAt ?? 0, applying));
  }
  const operations = planned.map((p): HistoryOperation => {
    const result = results.get(p.id);
    const outcome: Outcome = p.ending === 'ok' && result ? { status: 'ok', result } : p.ending === 'failed' ? { status: 'failed', error: 'refused' } : { status: 'unknown', error: 'timed out' };
    return { id: p.id, client: p.client, op: p.op, invokedAt: p.invokedAt, returnedAt: p.returnedAt, outcome };
  });
  const finalState: Record<string, { value: string; modRevision: number }> = {};
  for (const key of store.versions.keys()) {
    const v = store.current(key);
    if (v.value !== null) finalState[key] = { value: v.value, modRevision: v.modRevision };
  }
  const lastEffect = planned.reduce((m, p) => Math.max(m, p.returnedAt, p.effectAt ?? 0), 0);
  return { operations, watches: watchRecords(store, rng.derive('watch'), store.revision), leases: [], faults: [], endedAt: lastEffect + 100, finalState: finalState as FinalState };
}
