/** An SVG bar chart of the benchmark: proposals per second per concurrency, against the disk's line. */
interface Bar {
  readonly concurrency: number;
  readonly proposalsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number };
}

export function renderBenchSvg(levels: readonly Bar[], diskWritesPerSecond: number): string {
  const width = 640;
  const height = 360;
  const left = 80;
  const bottom = 300;
  const top = 40;
  const max = Math.max(diskWritesPerSecond, ...levels.map((l) => l.proposalsPerSecond)) * 1.1;
  const y = (v: number) => bottom - ((bottom - top) * v) / max;
  const slot = (width - left - 20) / Math.max(1, levels.length);
  const bars = levels
    .map((l, i) => {
      const x = left + i * slot + slot * 0.2;
      const w = slot * 0.6;
      const h = bottom - y(l.proposalsPerSecond);
      return [
        `<rect x="${x.toFixed(1)}" y="${y(l.proposalsPerSecond).toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="#3b7dd8"/>`,
        `<text x="${(x + w / 2).toFixed(1)}" y="${(y(l.proposalsPerSecond) - 6).toFixed(1)}" text-anchor="middle" font-size="12">${l.proposalsPerSecond.toFixed(0)}/s</text>`,
        `<text x="${(x + w / 2).toFixed(1)}" y="${bottom + 16}" text-anchor="middle" font-size="12">${l.concurrency} proposer${l.concurrency === 1 ? '' : 's'}</text>`,
        `<text x="${(x + w / 2).toFixed(1)}" y="${bottom + 32}" text-anchor="middle" font-size="11" fill="#555">p50 ${l.latencyMs.p50.toFixed(1)} ms, p99 ${l.latencyMs.p99.toFixed(1)} ms</text>`,
      ].join('\n');
    })
    .join('\n');
  const dy = y(diskWritesPerSecond).toFixed(1);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">Raft, 3 nodes: committed proposals per second</text>
<line x1="${left}" y1="${bottom}" x2="${width - 20}" y2="${bottom}" stroke="#333"/>
<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#333"/>
<text x="${left - 8}" y="${y(0)}" text-anchor="end" font-size="11">0</text>
<text x="${left - 8}" y="${y(max / 1.1).toFixed(1)}" text-anchor="end" font-size="11">${(max / 1.1).toFixed(0)}</text>
${bars}
<line x1="${left}" y1="${dy}" x2="${width - 20}" y2="${dy}" stroke="#d83b3b" stroke-dasharray="6 4"/>
<text x="${width - 22}" y="${(Number(dy) - 6).toFixed(1)}" text-anchor="end" font-size="12" fill="#d83b3b">disk: ${diskWritesPerSecond.toFixed(0)} synced writes/s</text>
</svg>
`;
}
