/**
 * Availability after faults that cost the cluster its leader: how long until writes worked again.
 * The window of a fault runs from its start to the earliest return of an ok write invoked after it
 * started (a write needs a leader, and one invoked before the fault may have been served by the
 * old one). The longest gap is the longest stretch, from the fault to the next such fault or the
 * end of the workload, in which no linearizable op returned ok (serializable gets are left out:
 * a follower serves them without a leader).
 */
import type { History, HistoryOperation } from '../history.js';
import { resultOf, type AvailabilityDetails, type CheckResult, type CheckStatus, type UnavailabilityWindow, type Violation } from './verdict.js';

const isWrite = (op: HistoryOperation) => op.op.type !== 'get';
const needsLeader = (op: HistoryOperation) => !(op.op.type === 'get' && op.op.serializable);

export function unavailabilityWindows(history: History, faultKinds: readonly string[] = ['kill-leader']): UnavailabilityWindow[] {
  const faults = history.faults.filter((f) => faultKinds.includes(f.kind)).sort((a, b) => a.startedAt - b.startedAt);
  const ok = history.operations.filter((op) => op.outcome.status === 'ok');
  const okWrites = ok.filter(isWrite);
  const okReturns = ok
    .filter(needsLeader)
    .map((op) => op.returnedAt)
    .sort((a, b) => a - b);
  const workloadEnd = history.operations.reduce((end, op) => Math.max(end, op.returnedAt), -Infinity);
  return faults.map((fault, i) => {
    let recovery: HistoryOperation | undefined;
    for (const op of okWrites) if (op.invokedAt >= fault.startedAt && (!recovery || op.returnedAt < recovery.returnedAt)) recovery = op;
    const scopeEnd = Math.min(faults[i + 1]?.startedAt ?? Infinity, workloadEnd);
    let longestGapMs = 0;
    let last = fault.startedAt;
    for (const t of okReturns) {
      if (t <= fault.startedAt || t > scopeEnd) continue;
      longestGapMs = Math.max(longestGapMs, t - last);
      last = t;
    }
    longestGapMs = Math.max(longestGapMs, scopeEnd - last);
    const { kind, target, startedAt, endedAt } = fault;
    return {
      fault: endedAt === undefined ? { kind, target, startedAt } : { kind, target, startedAt, endedAt },
      recoveredAt: recovery?.returnedAt ?? null,
      recoveredBy: recovery?.id ?? null,
      unavailableMs: (recovery?.returnedAt ?? history.endedAt) - startedAt,
      longestGapMs,
    };
  });
}

/**
 * With a limit, a window longer than it is a violation; a window the run ended inside before the
 * limit passed cannot be judged (unknown). Without a limit the windows are only reported.
 */
export function checkAvailability(history: History, limitMs: number | undefined, faultKinds: readonly string[] | undefined, maxViolations: number): CheckResult<AvailabilityDetails> {
  const windows = unavailabilityWindows(history, faultKinds);
  const violations: Violation[] = [];
  let undecided = 0;
  for (const w of windows) {
    if (limitMs === undefined) continue;
    const where = `${w.fault.kind} ${w.fault.target} at ${Math.round(w.fault.startedAt)} ms`;
    if (w.unavailableMs > limitMs) {
      violations.push({
        kind: 'unavailable-too-long',
        operations: w.recoveredBy === null ? [] : [w.recoveredBy],
        message: `after ${where}, ${w.recoveredAt === null ? 'no write succeeded before the end' : 'the first write succeeded only'} ${Math.round(w.unavailableMs)} ms later (limit ${limitMs} ms)`,
      });
    } else if (w.recoveredAt === null) undecided++;
  }
  const worst = windows.reduce((m, w) => Math.max(m, w.unavailableMs), 0);
  const summary =
    windows.length === 0
      ? 'no leader-losing faults'
      : `${windows.length} fault(s): writes back within ${Math.round(worst)} ms at worst${limitMs === undefined ? '' : ` (limit ${limitMs} ms)`}` + (undecided > 0 ? `; ${undecided} not recovered when the run ended` : '');
  const clean: CheckStatus = undecided > 0 ? 'unknown' : 'ok';
  return resultOf('availability', violations, maxViolations, summary, { windows, limitMs: limitMs ?? null }, clean);
}
