import type { SecondPoint } from './latency-recorder.js';

const WIDTH = 900;
const LEFT = 70;
const RIGHT = 30;
const PLOT_W = WIDTH - LEFT - RIGHT;
const LATENCY = { top: 50, height: 230 };
const THROUGHPUT = { top: 340, height: 120 };
const HEIGHT = THROUGHPUT.top + THROUGHPUT.height + 50;

const LINES = [
  { key: 'p50Ms', label: 'p50', color: '#2b6cb0' },
  { key: 'p99Ms', label: 'p99', color: '#dd6b20' },
  { key: 'maxMs', label: 'max', color: '#a0aec0' },
] as const;

/**
 * An SVG of a run over time, one point a second: latency (p50, p99, max) above and
 * throughput (answered requests, errors in red) below. Pure: series in, markup out.
 */
export function renderLatencyChart(title: string, series: readonly SecondPoint[]): string {
  const seconds = Math.max(1, series.length);
  const x = (s: number) => LEFT + (PLOT_W * (s + 0.5)) / seconds;
  const latencyMax = niceMax(Math.max(0, ...series.map((p) => p.maxMs)));
  const rateMax = niceMax(Math.max(0, ...series.map((p) => p.requests + p.errors)));
  const yLatency = (ms: number) => LATENCY.top + LATENCY.height * (1 - ms / latencyMax);
  const yRate = (n: number) => THROUGHPUT.top + THROUGHPUT.height * (1 - n / rateMax);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    ...axis(LATENCY, latencyMax, 'latency (ms)', yLatency),
    ...axis(THROUGHPUT, rateMax, 'requests / s', yRate),
    ...xTicks(seconds, x),
  ];

  // Only seconds with answers have latencies; a gap in the line shows a second without any.
  for (const line of LINES) {
    const segments: string[][] = [[]];
    for (const p of series) {
      if (p.requests === 0) segments.push([]);
      else segments[segments.length - 1].push(`${x(p.second).toFixed(1)},${yLatency(p[line.key]).toFixed(1)}`);
    }
    for (const seg of segments.filter((s) => s.length > 0)) {
      if (seg.length === 1) parts.push(`<circle cx="${seg[0].split(',')[0]}" cy="${seg[0].split(',')[1]}" r="2.5" fill="${line.color}"/>`);
      else parts.push(`<polyline fill="none" stroke="${line.color}" stroke-width="1.8" points="${seg.join(' ')}"/>`);
    }
  }
  const barW = Math.max(1, (PLOT_W / seconds) * 0.8);
  for (const p of series) {
    const x0 = (x(p.second) - barW / 2).toFixed(1);
    const okTop = yRate(p.requests);
    parts.push(`<rect x="${x0}" y="${okTop.toFixed(1)}" width="${barW.toFixed(1)}" height="${(THROUGHPUT.top + THROUGHPUT.height - okTop).toFixed(1)}" fill="#48bb78"/>`);
    if (p.errors > 0) {
      const errTop = yRate(p.requests + p.errors);
      parts.push(`<rect x="${x0}" y="${errTop.toFixed(1)}" width="${barW.toFixed(1)}" height="${(okTop - errTop).toFixed(1)}" fill="#e53e3e"/>`);
    }
  }
  const legend = [...LINES.map((l) => ({ label: l.label, color: l.color })), { label: 'answered', color: '#48bb78' }, { label: 'errors', color: '#e53e3e' }];
  legend.forEach((l, i) => {
    const lx = LEFT + 10 + i * 95;
    parts.push(`<rect x="${lx}" y="34" width="12" height="12" fill="${l.color}"/><text x="${lx + 17}" y="44">${l.label}</text>`);
  });
  parts.push(`<text x="${LEFT + PLOT_W / 2}" y="${HEIGHT - 10}" text-anchor="middle">seconds since start</text>`, '</svg>');
  return parts.join('\n') + '\n';
}

function axis(panel: { top: number; height: number }, max: number, label: string, y: (v: number) => number): string[] {
  const out = [`<rect x="${LEFT}" y="${panel.top}" width="${PLOT_W}" height="${panel.height}" fill="none" stroke="#cbd5e0"/>`];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const yy = y(v).toFixed(1);
    out.push(`<line x1="${LEFT}" x2="${LEFT + PLOT_W}" y1="${yy}" y2="${yy}" stroke="#edf2f7"/>`);
    out.push(`<text x="${LEFT - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${formatTick(v)}</text>`);
  }
  const cy = panel.top + panel.height / 2;
  out.push(`<text x="16" y="${cy}" text-anchor="middle" transform="rotate(-90 16 ${cy})">${label}</text>`);
  return out;
}

function xTicks(seconds: number, x: (s: number) => number): string[] {
  const step = Math.max(1, Math.ceil(seconds / 15));
  const out: string[] = [];
  for (let s = 0; s < seconds; s += step) {
    out.push(`<text x="${x(s).toFixed(1)}" y="${THROUGHPUT.top + THROUGHPUT.height + 16}" text-anchor="middle">${s}</text>`);
  }
  return out;
}

/** The smallest of 1, 2, 2.5, 5 × 10^k at or above `v`, so axis ticks are round numbers. */
function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const mag = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= v) return m * mag;
  return 10 * mag;
}

function formatTick(v: number): string {
  if (v === 0) return '0';
  if (v >= 1000) return `${Math.round(v).toLocaleString('en-US')}`;
  return Number(v.toPrecision(3)).toString();
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string);
}
