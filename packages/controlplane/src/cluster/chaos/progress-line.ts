import type { FaultRecord, Observation, WriteRecord } from './history.js';

/** The line printed every few seconds while the run goes on: writes, faults, leaders, readiness. Pure. */
export function progressLine(nowMs: number, durationMs: number, writes: readonly WriteRecord[], faults: readonly FaultRecord[], latest: Observation | undefined): string {
  const ok = writes.filter((w) => w.outcome === 'ok').length;
  const leader = (role: 'store' | 'scheduler' | 'controller-manager') => `${role} ${latest?.leaders[role] ?? '-'}`;
  const ready = latest?.desiredReplicas === undefined ? 'ready -' : `ready ${latest.readyReplicas ?? 0}/${latest.desiredReplicas}`;
  return [
    `chaos: ${(nowMs / 1000).toFixed(0).padStart(4)}/${durationMs / 1000} s`,
    `writes ${ok} ok, ${writes.length - ok} not`,
    `faults ${faults.filter((f) => !f.skipped).length}`,
    `${leader('store')}, ${leader('scheduler')}, ${leader('controller-manager')}`,
    `${ready}, ${latest?.runningPods ?? 0} pods running`,
  ].join(' · ');
}
