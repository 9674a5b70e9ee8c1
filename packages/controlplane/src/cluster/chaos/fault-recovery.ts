import { Roles, type ChaosHistory, type FaultRecord, type Observation, type Role, type WriteRecord } from './history.js';

/** What one fault cost, measured from the kill. */
export interface FaultRecovery {
  readonly fault: FaultRecord;
  /** Up to the next fault (or the end of the run): the span this fault is judged over. */
  readonly spanEnd: number;
  /**
   * For each role whose holder was on the killed host: when a holder was seen again (ms after the
   * kill, null: never) and where. Looked for up to the end of the run, since a lease outlives a
   * short interval; a later fault may then share the wait.
   */
  readonly newLeaders: Partial<Record<Role, { readonly afterMs: number | null; readonly from: string; readonly to?: string }>>;
  /** From the first write that did not succeed to the return of the first one invoked after the last such that did (0: none failed). */
  readonly writeUnavailableMs: number;
  readonly writesNotOk: number;
  /** From the kill until the Deployment was whole again after its last shortfall in the span (0: it stayed ready; null: never). */
  readonly fullyReadyAfterMs: number | null;
}

/** Who held `role` at `at`, by the last observation before it that saw a holder. */
function holderBefore(observations: readonly Observation[], role: Role, at: number): string | undefined {
  let holder: string | undefined;
  for (const o of observations) {
    if (o.at >= at) break;
    if (o.leaders[role]) holder = o.leaders[role];
  }
  return holder;
}

function newLeaders(history: ChaosHistory, fault: FaultRecord): FaultRecovery['newLeaders'] {
  const out: { -readonly [R in Role]?: { afterMs: number | null; from: string; to?: string } } = {};
  if (!fault.target) return out;
  for (const role of Roles) {
    const from = holderBefore(history.observations, role, fault.at);
    if (from !== fault.target) continue;
    // Observations begun after the launcher answered the kill cannot have seen the killed process.
    const seen = history.observations.find((o) => o.at >= fault.killedAt && o.leaders[role] !== undefined);
    out[role] = seen ? { afterMs: seen.at - fault.at, from, to: seen.leaders[role] } : { afterMs: null, from };
  }
  return out;
}

/** The write unavailability window within [from, to). */
export function writeUnavailability(writes: readonly WriteRecord[], from: number, to: number): { ms: number; notOk: number } {
  const inSpan = writes.filter((w) => w.invokedAt >= from && w.invokedAt < to);
  const notOk = inSpan.filter((w) => w.outcome !== 'ok');
  if (notOk.length === 0) return { ms: 0, notOk: 0 };
  const firstBad = Math.min(...notOk.map((w) => w.invokedAt));
  const lastBad = Math.max(...notOk.map((w) => w.invokedAt));
  const recovered = writes.filter((w) => w.outcome === 'ok' && w.invokedAt > lastBad).reduce((t, w) => Math.min(t, w.returnedAt), Infinity);
  const end = Number.isFinite(recovered) ? recovered : Math.max(...notOk.map((w) => w.returnedAt));
  return { ms: end - firstBad, notOk: notOk.length };
}

/** From `from` until the Deployment was whole after its last shortfall of ready replicas in [from, to). */
function fullyReadyAfter(observations: readonly Observation[], from: number, to: number): number | null {
  const known = observations.filter((o) => o.at >= from && o.desiredReplicas !== undefined);
  const full = (o: Observation) => (o.readyReplicas ?? 0) >= o.desiredReplicas!;
  let lastShort = -1;
  known.forEach((o, i) => {
    if (o.at < to && !full(o)) lastShort = i;
  });
  if (lastShort < 0) return 0;
  const back = known.slice(lastShort + 1).find(full);
  return back ? back.at - from : null;
}

/** Each injected fault's recovery over its span (to the next injected fault). Pure. */
export function faultRecoveries(history: ChaosHistory): FaultRecovery[] {
  const injected = history.faults.filter((f) => !f.skipped);
  return injected.map((fault, i) => {
    const spanEnd = injected[i + 1]?.at ?? history.endedAt;
    const writes = writeUnavailability(history.writes, fault.at, spanEnd);
    return {
      fault,
      spanEnd,
      newLeaders: newLeaders(history, fault),
      writeUnavailableMs: writes.ms,
      writesNotOk: writes.notOk,
      fullyReadyAfterMs: fullyReadyAfter(history.observations, fault.at, spanEnd),
    };
  });
}
