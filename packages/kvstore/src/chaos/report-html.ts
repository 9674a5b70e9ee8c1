import type { Verdict, Violation } from './check/index.js';
import { ETCD_DEFAULT_TIMING } from './member-process.js';
import type { RunSummary } from './run-summary.js';
import type { ChaosRun } from './runner.js';
import { CHECK_LABELS } from './summary-table.js';
import { BUCKET_MS, timelineOf } from './timeline.js';
import { escapeText, renderTimelineChart } from './timeline-chart.js';

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const msText = (ms: number | undefined) => (ms === undefined ? '—' : `${Math.round(ms)} ms`);
const STATUS_COLOURS: Readonly<Record<string, string>> = { ok: '#276749', violation: '#c53030', unknown: '#b7791f' };

function table(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = (tag: string, r: readonly (string | number)[]) => r.map((c) => `<${tag}>${escapeText(String(c))}</${tag}>`).join('');
  return `<table><thead><tr>${cells('th', head)}</tr></thead><tbody>${rows.map((r) => `<tr>${cells('td', r)}</tr>`).join('')}</tbody></table>`;
}

/** The command line that replays this run's schedule and workload choices. */
export function replayCommand(run: ChaosRun): string {
  const o = run.options;
  const flags = [
    o.endpoints ? `--endpoints ${o.endpoints.join(',')}` : `--members ${o.members}`,
    `--duration ${o.durationMs / 1000}`,
    `--faults ${o.faults.join(',')}`,
    `--interval ${o.intervalMs / 1000}`,
    `--clients ${o.clients}`,
    `--keys ${o.keys}`,
    ...(o.rate > 0 ? [`--rate ${o.rate}`] : []),
    ...(o.endpoints || o.timing.heartbeatMs === ETCD_DEFAULT_TIMING.heartbeatMs ? [] : [`--heartbeat-interval ${o.timing.heartbeatMs}`]),
    ...(o.endpoints || o.timing.electionTimeoutMs === ETCD_DEFAULT_TIMING.electionTimeoutMs ? [] : [`--election-timeout ${o.timing.electionTimeoutMs}`]),
    `--seed ${o.seed}`,
  ];
  return `kvstore chaos ${flags.join(' ')}`;
}

/**
 * report.html: one self-contained page (inline CSS and SVG, no scripts, nothing fetched) with the
 * verdict, the timeline chart, and tables of operations, checks, faults and failovers. Pure.
 */
export function renderReportHtml(run: ChaosRun, summary: RunSummary, verdict: Verdict | undefined, checkError?: string): string {
  const h = run.history;
  const chart = renderTimelineChart({
    title: `${run.members.length} members · ${Math.round((summary.operations.all.ok * 1000) / Math.max(1, h.endedAt))} ok ops/s · ${summary.faults} faults · ${summary.failovers} failovers`,
    points: timelineOf(h.operations, h.endedAt),
    bucketMs: BUCKET_MS,
    endedAt: h.endedAt,
    faults: h.faults,
    failovers: run.failovers,
  });
  const status = verdict?.status ?? 'unknown';
  const verdictText = verdict?.status === 'ok' ? 'PASS' : verdict ? `FAIL (${verdict.status})` : `FAIL (not checked: ${checkError ?? 'no verdict'})`;
  const checks = verdict
    ? (Object.entries(CHECK_LABELS) as [keyof Verdict['checks'], string][]).map(([k, label]) => {
        const c = verdict.checks[k];
        return [label, c.status, c.summary];
      })
    : [];
  const violations = verdict
    ? Object.values(verdict.checks).flatMap((c) =>
        c.violations.slice(0, 5).map((v: Violation) => `<details><summary>${escapeText(`${c.check}: ${v.kind}: ${v.message}`)}</summary><pre>${escapeText(JSON.stringify(v, null, 2))}</pre></details>`),
      )
    : [];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kvstore chaos report</title>
<style>
body { font-family: sans-serif; margin: 24px; color: #1a202c; }
table { border-collapse: collapse; margin: 8px 0 20px; font-size: 13px; }
th, td { border: 1px solid #e2e8f0; padding: 3px 8px; text-align: left; }
th { background: #f7fafc; }
.verdict { font-size: 22px; font-weight: bold; color: ${STATUS_COLOURS[status] ?? '#1a202c'}; }
code, pre { background: #f7fafc; padding: 2px 4px; font-size: 12px; }
pre { max-height: 400px; overflow: auto; }
</style></head><body>
<h1>kvstore chaos</h1>
<p class="verdict">${escapeText(verdictText)}</p>
<p>Started ${escapeText(run.startedAt.toISOString())}, ran ${sec(h.endedAt)}. Replay: <code>${escapeText(replayCommand(run))}</code></p>
${chart}
<h2>Checks</h2>
${table(['check', 'status', 'summary'], checks)}
${violations.join('\n')}
<h2>Operations</h2>
${table(
  ['operation', 'total', 'ok', 'failed', 'unknown'],
  Object.entries(summary.operations).map(([t, c]) => [t, c.ok + c.failed + c.unknown, c.ok, c.failed, c.unknown]),
)}
<p>${summary.leases} leases, ${summary.watchEvents} watch events, ${summary.watchResumes} watch resumes.</p>
<h2>Faults (${summary.faults})</h2>
${table(
  ['start', 'end', 'kind', 'target', 'what'],
  [...h.faults.map((f) => [sec(f.startedAt), f.endedAt === undefined ? 'not healed' : sec(f.endedAt), f.kind, f.target, f.detail ?? '']), ...run.skippedFaults.map((k) => [sec(k.at), '', k.kind, '', `skipped: ${k.reason}`])],
)}
<h2>Failovers (${summary.failovers})</h2>
<p>Recovery: from the loss of the leader to the first write invoked after it that succeeded. p50 ${msText(summary.recoveryMs.p50)}, max ${msText(summary.recoveryMs.max)}.</p>
${table(
  ['lost at', 'new leader seen', 'from', 'to', 'fault', 'elected after', 'recovery'],
  run.failovers.map((f) => [sec(f.lostAt), sec(f.electedAt), f.from, f.to, f.fault ?? '', msText(f.electedAt - f.lostAt), msText(f.recoveryMs)]),
)}
</body></html>
`;
}
