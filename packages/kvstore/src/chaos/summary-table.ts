import type { Verdict } from './check/index.js';
import type { ChaosRun } from './runner.js';
import type { RunSummary } from './run-summary.js';

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const msText = (ms: number | undefined) => (ms === undefined ? '-' : `${Math.round(ms)} ms`);
const pad = (v: string | number, n: number) => String(v).padStart(n);

/** The checks' names as the table shows them, in the order it shows them. */
export const CHECK_LABELS: Readonly<Record<keyof Verdict['checks'], string>> = {
  linearizability: 'linearizability',
  revisions: 'revisions',
  watch: 'watch',
  lease: 'lease',
  durability: 'durability',
  serializableReads: 'serializable reads',
  availability: 'availability',
};

/**
 * The run's summary as plain text for the terminal: operations by outcome, faults, failovers
 * with their recovery times, and each check's verdict. Pure.
 */
export function formatSummary(run: ChaosRun, summary: RunSummary, verdict: Verdict | undefined, checkError?: string): string {
  const o = run.options;
  const lines: string[] = [];
  const where = o.endpoints ? `attached to ${o.endpoints.join(',')}` : `${o.members} members`;
  lines.push(`kvstore chaos: ${where}, ${s(o.durationMs)}, seed ${o.seed}, faults ${o.faults.join(',')} every ${s(o.intervalMs)}, ${o.clients} clients on ${o.keys} keys`);
  lines.push('');
  lines.push(`${'operations'.padEnd(12)}${pad('total', 9)}${pad('ok', 9)}${pad('failed', 9)}${pad('unknown', 9)}`);
  for (const [type, c] of Object.entries(summary.operations)) {
    lines.push(`${type.padEnd(12)}${pad(c.ok + c.failed + c.unknown, 9)}${pad(c.ok, 9)}${pad(c.failed, 9)}${pad(c.unknown, 9)}`);
  }
  lines.push(`${'rate'.padEnd(12)}${pad(`${Math.round((summary.operations.all.ok * 1000) / Math.max(1, summary.durationMs))} ok/s`, 9)}`);
  lines.push(`leases ${summary.leases}, watch events ${summary.watchEvents}, watch resumes ${summary.watchResumes}`);
  lines.push('');
  lines.push(`faults: ${summary.faults}${summary.faults > 0 ? ` (${Object.entries(summary.faultsByKind).map(([k, n]) => `${k} ${n}`).join(', ')})` : ''}`);
  for (const f of run.history.faults) {
    const held = f.endedAt === undefined ? 'not healed' : `until ${s(f.endedAt)}`;
    lines.push(`  ${pad(s(f.startedAt), 8)}  ${f.kind.padEnd(17)} ${f.target.padEnd(6)} ${held.padEnd(16)} ${f.detail ?? ''}`);
  }
  for (const k of run.skippedFaults) lines.push(`  ${pad(s(k.at), 8)}  ${k.kind.padEnd(17)} skipped: ${k.reason}`);
  lines.push('');
  const recovery = summary.failovers > 0 ? `; recovery p50 ${msText(summary.recoveryMs.p50)}, max ${msText(summary.recoveryMs.max)}` : '';
  lines.push(`failovers: ${summary.failovers}${recovery}${summary.unrecovered > 0 ? `; ${summary.unrecovered} without a successful write after` : ''}`);
  for (const f of run.failovers) {
    lines.push(`  ${pad(s(f.electedAt), 8)}  ${`${f.from} -> ${f.to}`.padEnd(12)} ${(f.fault ?? 'no fault').padEnd(17)} elected after ${msText(f.electedAt - f.lostAt).padEnd(8)} writes back after ${msText(f.recoveryMs)}`);
  }
  lines.push('');
  lines.push('checks:');
  if (!verdict) lines.push(`  could not check the history: ${checkError ?? 'no verdict'}`);
  else {
    for (const [key, label] of Object.entries(CHECK_LABELS) as [keyof Verdict['checks'], string][]) {
      const c = verdict.checks[key];
      lines.push(`  ${label.padEnd(20)} ${c.status.toUpperCase().padEnd(10)} ${c.summary}`);
    }
  }
  lines.push('');
  lines.push(`verdict: ${verdict?.status === 'ok' ? 'PASS' : verdict ? `FAIL (${verdict.status})` : 'FAIL (not checked)'}`);
  return lines.join('\n') + '\n';
}
