import { formatTable } from '../status.js';
import type { ChaosRun } from './chaos-run.js';
import type { FaultRecovery } from './fault-recovery.js';
import type { FaultRecord, Role } from './history.js';
import type { Verdict } from './verdict.js';

export const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** What a fault did: the processes it killed, or why it was skipped. */
export function describeKill(f: FaultRecord): string {
  return f.skipped ? `skipped: ${f.skipped}` : f.killed.map((k) => `${k.host}/${k.component}${k.role ? ` (${k.role})` : ''}`).join(', ');
}

/** "3 masters, 1 worker": the cluster's size. */
export function clusterSize(run: ChaosRun): string {
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  return `${count(run.masters.length, 'master')}, ${count(run.workers.length, 'worker')}`;
}

/** The run in one line: what was done to which cluster. */
export function runTitle(run: ChaosRun): string {
  const o = run.options;
  const order = o.seed === undefined ? 'round robin' : `seed ${o.seed}`;
  return `${clusterSize(run)} · ${sec(run.history.endedAt)} · ${o.faults.join(',')} every ${sec(o.intervalMs)} (${order}), down for ${sec(o.downForMs)}`;
}

/** "1.2 s (master-1)" for a role the fault took away; "-" when its holder was elsewhere. */
export function newLeaderText(r: FaultRecovery, role: Role): string {
  const l = r.newLeaders[role];
  if (!l) return '-';
  return l.afterMs === null ? 'never seen' : `${sec(l.afterMs)} (${l.to})`;
}

/** The rows of the per-fault table, shared by the terminal summary and the HTML report. */
export const FaultColumns = ['AT', 'FAULT', 'TARGET', 'NEW STORE LEADER', 'NEW SCHEDULER', 'NEW CONTROLLER-MANAGER', 'WRITES UNAVAILABLE', 'FULLY READY AFTER'];
export function faultRows(run: ChaosRun, verdict: Verdict): string[][] {
  const rows = verdict.recoveries.map((r) => [
    sec(r.fault.at),
    r.fault.kind,
    r.fault.target ?? '',
    newLeaderText(r, 'store'),
    newLeaderText(r, 'scheduler'),
    newLeaderText(r, 'controller-manager'),
    r.writesNotOk === 0 ? 'none' : `${sec(r.writeUnavailableMs)} (${r.writesNotOk} not ok)`,
    r.fullyReadyAfterMs === null ? 'never' : r.fullyReadyAfterMs === 0 ? 'stayed ready' : sec(r.fullyReadyAfterMs),
  ]);
  const skipped = run.history.faults.filter((f) => f.skipped).map((f) => [sec(f.at), f.kind, f.target ?? '', `skipped: ${f.skipped}`, '', '', '', '']);
  return [...rows, ...skipped].sort((a, b) => parseFloat(a[0]) - parseFloat(b[0]));
}

/** The summary printed at the end of a run: writes, the per-fault table, the checks and the verdict. Pure. */
export function formatSummary(run: ChaosRun, verdict: Verdict): string {
  const h = run.history;
  const count = (o: string) => h.writes.filter((w) => w.outcome === o).length;
  const lines = [
    `flotilla chaos: ${runTitle(run)}`,
    `namespace ${run.namespace}; writes: ${h.writes.length} (${count('ok')} ok, ${count('failed')} refused, ${count('unknown')} unknown); scales: ${h.scales.length} (${h.scales.filter((s) => s.ok).length} acknowledged); pods bound: ${new Set(h.bindings.map((b) => b.uid)).size}`,
    '',
    verdict.recoveries.length + h.faults.length === 0 ? 'no faults (the run was shorter than an interval and the down time)\n' : formatTable(FaultColumns, faultRows(run, verdict)),
    'checks:',
    ...verdict.checks.flatMap((c) => [`  ${c.name.padEnd(22)} ${c.passed ? 'PASS' : 'FAIL'}   ${c.summary}`, ...c.violations.map((v) => `      ${v}`)]),
    '',
    `verdict: ${verdict.passed ? 'PASS' : 'FAIL'}`,
  ];
  return lines.join('\n') + '\n';
}
