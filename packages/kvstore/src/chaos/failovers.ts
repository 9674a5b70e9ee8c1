import type { FaultRecord, HistoryOperation } from './history.js';
import type { LeaderObservation } from './leader-monitor.js';

/** One change of leader and how long the cluster took to come back from it. */
export interface Failover {
  readonly from: string;
  readonly to: string;
  /** When the old leader was lost: the start of the fault that hit it, or else when it was last seen leading. */
  readonly lostAt: number;
  /** When the new leader was first seen. */
  readonly electedAt: number;
  /** The fault that took the old leader, if one did. */
  readonly fault?: string;
  /** From lostAt until the first write invoked after it succeeded; absent if none did. */
  readonly recoveryMs?: number;
}

const isWrite = (op: HistoryOperation) => op.op.type !== 'get';

/**
 * The failovers of a run, from the leader monitor's observations: each time a member other than
 * the last leader is seen leading. Pure: observations, faults and operations in.
 */
export function failoversOf(observations: readonly LeaderObservation[], faults: readonly FaultRecord[], operations: readonly HistoryOperation[]): Failover[] {
  // Writes that succeeded, by invocation time, to find the first after each loss.
  const okWrites = operations.filter((o) => o.outcome.status === 'ok' && isWrite(o)).sort((a, b) => a.invokedAt - b.invokedAt);
  const out: Failover[] = [];
  let current: { leader: string; since: number } | undefined;
  // When the current leader was first seen not leading (observations only record changes).
  let goneAt: number | undefined;
  for (const o of observations) {
    if (current && o.leader !== current.leader) goneAt ??= o.at;
    if (o.leader === '') continue;
    if (current && o.leader === current.leader) {
      goneAt = undefined;
      continue;
    }
    if (current) {
      const from = current;
      const fault = [...faults].reverse().find((f) => f.target === from.leader && f.startedAt >= from.since && f.startedAt <= o.at);
      const lostAt = fault?.startedAt ?? goneAt ?? o.at;
      const firstWrite = okWrites.find((w) => w.invokedAt >= lostAt);
      out.push({
        from: from.leader,
        to: o.leader,
        lostAt,
        electedAt: o.at,
        ...(fault ? { fault: fault.kind } : {}),
        ...(firstWrite ? { recoveryMs: firstWrite.returnedAt - lostAt } : {}),
      });
    }
    current = { leader: o.leader, since: o.at };
    goneAt = undefined;
  }
  return out;
}
