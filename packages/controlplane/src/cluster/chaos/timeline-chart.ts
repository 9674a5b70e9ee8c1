import { Roles, type ChaosHistory, type Role } from './history.js';

const WIDTH = 1100;
const LEFT = 150;
const RIGHT = 20;
const PLOT_W = WIDTH - LEFT - RIGHT;
const FAULT_LABELS = { top: 36, rowHeight: 13, rows: 2 };
const LATENCY = { top: 70, height: 190 };
const LEADERS = { top: 290, laneHeight: 22 };
const READY = { top: 390, height: 130 };
const HEIGHT = READY.top + READY.height + 50;

/** One colour per master, so a leadership moving from one to another shows as a change of colour. */
const HOST_COLOURS = ['#3182ce', '#38a169', '#d69e2e', '#805ad5', '#dd6b20', '#319795', '#d53f8c'];
const FAULT_COLOUR: Readonly<Record<string, string>> = { 'store-leader': '#e53e3e', 'scheduler-leader': '#805ad5', 'controller-leader': '#dd6b20', worker: '#718096' };
const OUTCOME_COLOUR = { ok: '#48bb78', failed: '#c53030', unknown: '#b7791f' } as const;

export function escapeText(s: string): string {
  return s.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const f1 = (v: number) => v.toFixed(1);

/**
 * The run over time as one SVG: each write's latency (log scale; refused and unknown writes in
 * their own colours), who held each leadership (one lane per role, one colour per master), and
 * the Deployment's ready replicas against those asked for; each fault a band (killed until back)
 * across all three with its label on top. Pure: history in, markup out.
 */
export function renderTimelineChart(history: ChaosHistory, masters: readonly string[], title: string): string {
  const span = Math.max(history.endedAt, 1000);
  const x = (ms: number) => LEFT + (PLOT_W * Math.min(Math.max(ms, 0), span)) / span;
  const latencies = history.writes.map((w) => Math.max(1, w.returnedAt - w.invokedAt));
  const decades = { low: 0, high: Math.max(2, Math.ceil(Math.log10(Math.max(...latencies, 10)))) };
  const yLatency = (ms: number) => LATENCY.top + LATENCY.height * (1 - (Math.log10(Math.max(1, ms)) - decades.low) / (decades.high - decades.low));
  const replicasTop = Math.max(1, ...history.observations.flatMap((o) => [o.desiredReplicas ?? 0, o.readyReplicas ?? 0, o.runningPods])) + 1;
  const yReady = (n: number) => READY.top + READY.height * (1 - n / replicasTop);
  const bottom = READY.top + READY.height;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${escapeText(title)}</text>`,
  ];

  history.faults
    .filter((f) => !f.skipped)
    .forEach((f, i) => {
      const colour = FAULT_COLOUR[f.kind] ?? '#a0aec0';
      const x0 = x(f.at);
      const x1 = Math.max(x0 + 2, x(f.killedAt + f.downForMs));
      const labelY = FAULT_LABELS.top + (i % FAULT_LABELS.rows) * FAULT_LABELS.rowHeight;
      out.push(`<rect x="${f1(x0)}" y="${labelY + 3}" width="${f1(x1 - x0)}" height="${bottom - labelY - 3}" fill="${colour}" fill-opacity="0.10"/>`);
      out.push(`<line x1="${f1(x0)}" x2="${f1(x0)}" y1="${labelY + 3}" y2="${bottom}" stroke="${colour}"/>`);
      out.push(`<text x="${f1(x0 + 2)}" y="${labelY}" fill="${colour}">${escapeText(`${f.kind} ${f.target ?? ''}`)}</text>`);
    });

  // Write latency: one dot per write at its invoke time.
  const latencyTicks = Array.from({ length: decades.high - decades.low + 1 }, (_, i) => 10 ** (decades.low + i));
  out.push(...panelFrame(LATENCY.top, LATENCY.height, 'write latency (ms, log)', latencyTicks.map((v) => ({ y: yLatency(v), label: String(v) }))));
  for (const w of history.writes) {
    const latency = Math.max(1, w.returnedAt - w.invokedAt);
    out.push(`<circle cx="${f1(x(w.invokedAt))}" cy="${f1(yLatency(latency))}" r="${w.outcome === 'ok' ? 1.3 : 2.2}" fill="${OUTCOME_COLOUR[w.outcome]}"/>`);
  }

  // Leaders: a lane per role, a segment per run of observations with the same holder.
  out.push(`<text x="${LEFT}" y="${LEADERS.top - 6}">leaders (a gap: nobody seen leading)</text>`);
  Roles.forEach((role, lane) => {
    const y = LEADERS.top + lane * LEADERS.laneHeight;
    out.push(`<text x="${LEFT - 6}" y="${y + 11}" text-anchor="end">${role}</text>`);
    out.push(`<rect x="${LEFT}" y="${y}" width="${PLOT_W}" height="${LEADERS.laneHeight - 6}" fill="#f7fafc" stroke="#e2e8f0"/>`);
    for (const seg of leaderSegments(history, role)) {
      const colour = HOST_COLOURS[Math.max(0, masters.indexOf(seg.host)) % HOST_COLOURS.length];
      const x0 = x(seg.from);
      const w = Math.max(1, x(seg.to) - x0);
      out.push(`<rect x="${f1(x0)}" y="${y}" width="${f1(w)}" height="${LEADERS.laneHeight - 6}" fill="${colour}"><title>${escapeText(`${role}: ${seg.host}`)}</title></rect>`);
      if (w > 50) out.push(`<text x="${f1(x0 + 3)}" y="${y + 12}" fill="#fff">${escapeText(seg.host)}</text>`);
    }
  });

  // Readiness: desired (dashed), ready and running pods as steps.
  out.push(...panelFrame(READY.top, READY.height, 'replicas', [0, Math.round(replicasTop / 2), replicasTop].map((v) => ({ y: yReady(v), label: String(v) }))));
  const steps = (value: (o: ChaosHistory['observations'][number]) => number | undefined) => {
    const points: string[] = [];
    let last: number | undefined;
    for (const o of history.observations) {
      const v = value(o);
      if (v === undefined) continue;
      if (last !== undefined) points.push(`${f1(x(o.at))},${f1(yReady(last))}`);
      points.push(`${f1(x(o.at))},${f1(yReady(v))}`);
      last = v;
    }
    return points.join(' ');
  };
  out.push(`<polyline fill="none" stroke="#1a202c" stroke-dasharray="5 3" points="${steps((o) => o.desiredReplicas)}"/>`);
  out.push(`<polyline fill="none" stroke="#ed8936" stroke-width="1.2" points="${steps((o) => o.runningPods)}"/>`);
  out.push(`<polyline fill="none" stroke="#2f855a" stroke-width="2" points="${steps((o) => o.readyReplicas)}"/>`);

  for (let t = 0; t <= span; t += tickStep(span)) out.push(`<text x="${f1(x(t))}" y="${bottom + 14}" text-anchor="middle">${(t / 1000).toFixed(0)}</text>`);
  const legend: [string, string][] = [
    [OUTCOME_COLOUR.ok, 'write ok'],
    [OUTCOME_COLOUR.failed, 'write refused'],
    [OUTCOME_COLOUR.unknown, 'write unknown'],
    ['#2f855a', 'ready replicas'],
    ['#ed8936', 'running pods'],
    ['#1a202c', 'replicas asked for (dashed)'],
    ...masters.map((m, i): [string, string] => [HOST_COLOURS[i % HOST_COLOURS.length], m]),
  ];
  let lx = LEFT;
  legend.forEach(([colour, label]) => {
    out.push(`<rect x="${lx}" y="${HEIGHT - 18}" width="10" height="10" fill="${colour}"/><text x="${lx + 14}" y="${HEIGHT - 9}">${escapeText(label)}</text>`);
    lx += 30 + label.length * 6;
  });
  out.push(`<text x="${LEFT + PLOT_W}" y="${bottom + 28}" text-anchor="end">seconds since the run started · bands: a fault, from the kill until the host is started again</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Runs of observations in which the same master held `role`; a gap where none was seen. */
export function leaderSegments(history: ChaosHistory, role: Role): { host: string; from: number; to: number }[] {
  const segs: { host: string; from: number; to: number }[] = [];
  let open: { host: string; from: number } | undefined;
  for (const o of history.observations) {
    const host = o.leaders[role];
    if (open && host !== open.host) {
      segs.push({ ...open, to: o.at });
      open = undefined;
    }
    if (host && !open) open = { host, from: o.at };
  }
  if (open) segs.push({ ...open, to: history.endedAt });
  return segs;
}

function panelFrame(top: number, height: number, label: string, ticks: readonly { y: number; label: string }[]): string[] {
  const out = [`<rect x="${LEFT}" y="${top}" width="${PLOT_W}" height="${height}" fill="none" stroke="#cbd5e0"/>`];
  for (const t of ticks) {
    out.push(`<line x1="${LEFT}" x2="${LEFT + PLOT_W}" y1="${f1(t.y)}" y2="${f1(t.y)}" stroke="#edf2f7"/>`);
    out.push(`<text x="${LEFT - 5}" y="${f1(t.y)}" text-anchor="end" dominant-baseline="middle">${t.label}</text>`);
  }
  out.push(`<text x="${LEFT - 40}" y="${top + height / 2}" text-anchor="middle" transform="rotate(-90 ${LEFT - 40} ${top + height / 2})">${escapeText(label)}</text>`);
  return out;
}

/** About a dozen x-axis labels whatever the length of the run. */
function tickStep(spanMs: number): number {
  return [1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000].find((s) => s >= spanMs / 12) ?? 120_000;
}
