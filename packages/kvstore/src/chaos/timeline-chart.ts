import type { Failover } from './failovers.js';
import type { FaultRecord } from './history.js';
import type { TimelinePoint } from './timeline.js';

const WIDTH = 1100;
const LEFT = 70;
const RIGHT = 20;
const PLOT_W = WIDTH - LEFT - RIGHT;
const LABELS = { top: 40, rowHeight: 14, rows: 3 };
const RATE = { top: 92, height: 170 };
const LATENCY = { top: 300, height: 200 };
const HEIGHT = LATENCY.top + LATENCY.height + 45;

/** One colour per fault kind, in the order the kinds are listed in --faults' help. */
const FAULT_COLOURS: Readonly<Record<string, string>> = {
  'kill-leader': '#e53e3e',
  'kill-random': '#dd6b20',
  pause: '#d69e2e',
  'partition-leader': '#805ad5',
  asymmetric: '#3182ce',
  flapping: '#319795',
  membership: '#38a169',
  restart: '#718096',
};

export interface TimelineChartInput {
  readonly title: string;
  readonly points: readonly TimelinePoint[];
  readonly bucketMs: number;
  readonly endedAt: number;
  readonly faults: readonly FaultRecord[];
  readonly failovers: readonly Failover[];
}

/**
 * The run over time as one SVG: successful and unsuccessful operations per second above, p50 and
 * p99 latency (log scale) below, each fault a shaded band across both with its label on top, and
 * each failover a dashed line marked with the time writes took to come back. Pure: data in, markup out.
 */
export function renderTimelineChart(c: TimelineChartInput): string {
  const span = Math.max(c.endedAt, c.bucketMs);
  const x = (ms: number) => LEFT + (PLOT_W * Math.min(Math.max(ms, 0), span)) / span;
  const rateTop = roundUp(Math.max(1, ...c.points.map((p) => p.okPerSecond + p.notOkPerSecond)));
  const yRate = (v: number) => RATE.top + RATE.height * (1 - v / rateTop);
  const latencies = c.points.flatMap((p) => (p.p99Ms === undefined ? [] : [p.p50Ms!, p.p99Ms]));
  const decades = { low: Math.floor(Math.log10(Math.max(0.1, Math.min(1, ...latencies)))), high: Math.ceil(Math.log10(Math.max(10, ...latencies))) };
  const yLatency = (ms: number) => {
    const f = (Math.log10(Math.max(ms, 10 ** decades.low)) - decades.low) / (decades.high - decades.low);
    return LATENCY.top + LATENCY.height * (1 - f);
  };

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeText(c.title)}</text>`,
  ];

  // Fault bands first, so the data is drawn over them.
  c.faults.forEach((f, i) => {
    const colour = FAULT_COLOURS[f.kind] ?? '#a0aec0';
    const x0 = x(f.startedAt);
    const x1 = Math.max(x0 + 2, x(f.endedAt ?? c.endedAt));
    const labelY = LABELS.top + (i % LABELS.rows) * LABELS.rowHeight;
    out.push(`<rect x="${x0.toFixed(1)}" y="${labelY + 3}" width="${(x1 - x0).toFixed(1)}" height="${LATENCY.top + LATENCY.height - labelY - 3}" fill="${colour}" fill-opacity="0.12"/>`);
    out.push(`<line x1="${x0.toFixed(1)}" x2="${x0.toFixed(1)}" y1="${labelY + 3}" y2="${LATENCY.top + LATENCY.height}" stroke="${colour}" stroke-width="1"/>`);
    out.push(`<text x="${(x0 + 2).toFixed(1)}" y="${labelY}" fill="${colour}">${escapeText(`${f.kind} ${f.target}`)}</text>`);
  });

  out.push(...frame(RATE, 'operations / s', [0, rateTop / 2, rateTop].map((v) => ({ y: yRate(v), label: formatNumber(v) }))));
  const latencyTicks = [];
  for (let d = decades.low; d <= decades.high; d++) latencyTicks.push({ y: yLatency(10 ** d), label: `${formatNumber(10 ** d)}` });
  out.push(...frame(LATENCY, 'latency (ms, log)', latencyTicks));

  const barW = Math.max(0.5, (PLOT_W * c.bucketMs) / span - 0.5);
  for (const p of c.points) {
    const okTop = yRate(p.okPerSecond);
    const base = RATE.top + RATE.height;
    if (p.okPerSecond > 0) out.push(`<rect x="${x(p.at).toFixed(1)}" y="${okTop.toFixed(1)}" width="${barW.toFixed(1)}" height="${(base - okTop).toFixed(1)}" fill="#48bb78"/>`);
    if (p.notOkPerSecond > 0) {
      const top = yRate(p.okPerSecond + p.notOkPerSecond);
      out.push(`<rect x="${x(p.at).toFixed(1)}" y="${top.toFixed(1)}" width="${barW.toFixed(1)}" height="${(okTop - top).toFixed(1)}" fill="#c53030"/>`);
    }
  }
  for (const [key, colour] of [['p50Ms', '#2b6cb0'], ['p99Ms', '#dd6b20']] as const) {
    // A bucket without a successful operation breaks the line.
    const runs: string[][] = [[]];
    for (const p of c.points) {
      const v = p[key];
      if (v === undefined) runs.push([]);
      else runs[runs.length - 1].push(`${(x(p.at) + barW / 2).toFixed(1)},${yLatency(v).toFixed(1)}`);
    }
    for (const r of runs.filter((r) => r.length > 0)) out.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${r.join(' ')}"/>`);
  }

  for (const f of c.failovers) {
    const fx = x(f.electedAt).toFixed(1);
    out.push(`<line x1="${fx}" x2="${fx}" y1="${RATE.top}" y2="${LATENCY.top + LATENCY.height}" stroke="#1a202c" stroke-dasharray="4 3"/>`);
    const label = f.recoveryMs === undefined ? `${f.to}: no write after` : `${f.to}: ${Math.round(f.recoveryMs)} ms`;
    out.push(`<text x="${fx}" y="${RATE.top + 12}" transform="rotate(90 ${fx} ${RATE.top + 12})" dx="2" dy="-3">${escapeText(label)}</text>`);
  }

  const legend = [
    ['#48bb78', 'ok / s'],
    ['#c53030', 'failed or unknown / s'],
    ['#2b6cb0', 'p50'],
    ['#dd6b20', 'p99'],
  ];
  legend.forEach(([colour, label], i) => {
    const lx = LEFT + i * 170;
    out.push(`<rect x="${lx}" y="${HEIGHT - 18}" width="10" height="10" fill="${colour}"/><text x="${lx + 14}" y="${HEIGHT - 9}">${label}</text>`);
  });
  out.push(`<text x="${LEFT + PLOT_W}" y="${HEIGHT - 9}" text-anchor="end">dashed: failover (time until writes succeeded again) · seconds since start</text>`);
  for (let t = 0; t <= span; t += tickStep(span)) {
    out.push(`<text x="${x(t).toFixed(1)}" y="${LATENCY.top + LATENCY.height + 14}" text-anchor="middle">${(t / 1000).toFixed(0)}</text>`);
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function frame(panel: { top: number; height: number }, label: string, ticks: readonly { y: number; label: string }[]): string[] {
  const out = [`<rect x="${LEFT}" y="${panel.top}" width="${PLOT_W}" height="${panel.height}" fill="none" stroke="#cbd5e0"/>`];
  for (const t of ticks) {
    out.push(`<line x1="${LEFT}" x2="${LEFT + PLOT_W}" y1="${t.y.toFixed(1)}" y2="${t.y.toFixed(1)}" stroke="#edf2f7"/>`);
    out.push(`<text x="${LEFT - 5}" y="${t.y.toFixed(1)}" text-anchor="end" dominant-baseline="middle">${t.label}</text>`);
  }
  const cy = panel.top + panel.height / 2;
  out.push(`<text x="14" y="${cy}" text-anchor="middle" transform="rotate(-90 14 ${cy})">${label}</text>`);
  return out;
}

/** Seconds between x-axis labels: about a dozen of them whatever the run's length. */
function tickStep(spanMs: number): number {
  const raw = spanMs / 12;
  return [1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000].find((s) => s >= raw) ?? 300_000;
}

/** An axis top: the value rounded up to 1, 2 or 5 times a power of ten. */
function roundUp(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].find((m) => m * p >= v) ?? 10) * p;
}

function formatNumber(v: number): string {
  return v >= 1000 ? Math.round(v).toLocaleString('en-US') : String(Number(v.toPrecision(3)));
}

export function escapeText(s: string): string {
  return s.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
