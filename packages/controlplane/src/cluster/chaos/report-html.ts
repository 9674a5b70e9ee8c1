import type { ChaosRun } from './chaos-run.js';
import { clusterSize, describeKill, FaultColumns, faultRows, runTitle, sec } from './summary-text.js';
import { escapeText, renderTimelineChart } from './timeline-chart.js';
import type { Verdict } from './verdict.js';

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = (tag: string, r: readonly string[]) => r.map((c) => `<${tag}>${escapeText(c)}</${tag}>`).join('');
  return `<table><thead><tr>${cells('th', head)}</tr></thead><tbody>${rows.map((r) => `<tr>${cells('td', r)}</tr>`).join('')}</tbody></table>`;
}

/** The command line that runs the same plan again. */
export function replayCommand(run: ChaosRun): string {
  const o = run.options;
  const seed = o.seed === undefined ? [] : [`--seed ${o.seed}`];
  return ['flotilla chaos', `--duration ${o.durationMs / 1000}`, `--interval ${o.intervalMs / 1000}`, `--faults ${o.faults.join(',')}`, `--down-for ${o.downForMs / 1000}`, `--replicas ${o.replicas}`, ...seed].join(' ');
}

/**
 * report.html: one self-contained page (inline CSS and SVG, no scripts) with the verdict, the
 * timeline, the per-fault table, the checks with their violations, and the faults as injected. Pure.
 */
export function renderReportHtml(run: ChaosRun, verdict: Verdict): string {
  const h = run.history;
  const ok = h.writes.filter((w) => w.outcome === 'ok').length;
  const injected = h.faults.filter((f) => !f.skipped).length;
  const chart = renderTimelineChart(h, run.masters, `${clusterSize(run)} · ${injected} faults · ${ok} of ${h.writes.length} writes ok`);
  const colour = verdict.passed ? '#276749' : '#c53030';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>flotilla chaos report</title>
<style>
body { font-family: sans-serif; margin: 24px; color: #1a202c; }
table { border-collapse: collapse; margin: 8px 0 20px; font-size: 13px; }
th, td { border: 1px solid #e2e8f0; padding: 3px 8px; text-align: left; }
th { background: #f7fafc; }
.verdict { font-size: 22px; font-weight: bold; color: ${colour}; }
code { background: #f7fafc; padding: 2px 4px; font-size: 12px; }
</style></head><body>
<h1>flotilla chaos</h1>
<p class="verdict">${verdict.passed ? 'PASS' : 'FAIL'}</p>
<p>${escapeText(runTitle(run))}</p>
<p>Started ${escapeText(h.startedAt)}, ran ${sec(h.endedAt)} in namespace <code>${escapeText(run.namespace)}</code>. Again: <code>${escapeText(replayCommand(run))}</code></p>
${chart}
<h2>Faults</h2>
<p>New leader: from the kill to the first observation (every 250 ms) of a holder of a leadership the killed master held (looked for to the end of the run: a lease can outlive an interval). Writes unavailable: from the first write that did not succeed to the return of the first successful write invoked after the last one that did not. Fully ready after: from the kill until the Deployment had all its replicas ready again after its last shortfall before the next fault (scales in that span count too).</p>
${table(FaultColumns, faultRows(run, verdict))}
<h2>Checks</h2>
${table(['check', 'result', 'summary', 'violations'], verdict.checks.map((c) => [c.name, c.passed ? 'PASS' : 'FAIL', c.summary, c.violations.join('; ')]))}
<h2>Kills</h2>
${table(['at', 'kind', 'killed', 'down for'], h.faults.map((f) => [sec(f.at), f.kind, describeKill(f), sec(f.downForMs)]))}
<h2>Scales</h2>
${table(['at', 'replicas', 'result'], h.scales.map((s) => [sec(s.at), String(s.replicas), s.ok ? 'acknowledged' : `failed: ${s.error ?? ''}`]))}
</body></html>
`;
}
