import { PERCENTILES } from './latency-recorder.js';
import type { Phase, WorkloadResult } from './workload-result.js';

/** Figures of one phase, in seconds as etcd prints them. */
export interface PhaseFigures {
  /** Requests answered and failed. */
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly durationSec: number;
  /** Answered requests per second of the phase. */
  readonly throughput: number;
}

export function phaseFigures(p: Phase): PhaseFigures {
  const durationSec = p.elapsedMs / 1000;
  const succeeded = p.recorder.succeeded;
  return { total: succeeded + p.recorder.failed, succeeded, failed: p.recorder.failed, durationSec, throughput: durationSec > 0 ? succeeded / durationSec : 0 };
}

const secs = (ms: number) => `${(ms / 1000).toFixed(4)} secs.`;

/**
 * One phase's summary in the layout of etcd's benchmark (pkg/report): Total, Slowest,
 * Fastest, Average, Stddev, Requests/sec, the latency distribution, then errors by message.
 */
export function formatPhase(p: Phase): string {
  const f = phaseFigures(p);
  const s = p.recorder.summary();
  let out = `${p.title} summary:\n`;
  if (s.count > 0) {
    out += '\nSummary:\n';
    out += `  Total:\t${(f.durationSec).toFixed(4)} secs.\n`;
    out += `  Slowest:\t${secs(s.slowestMs)}\n`;
    out += `  Fastest:\t${secs(s.fastestMs)}\n`;
    out += `  Average:\t${secs(s.averageMs)}\n`;
    out += `  Stddev:\t${secs(s.stddevMs)}\n`;
    out += `  Requests/sec:\t${f.throughput.toFixed(4)}\n`;
    out += '\nLatency distribution:\n';
    for (const pct of PERCENTILES) out += `  ${pct}% in ${secs(s.percentilesMs[`p${pct}`])}\n`;
  } else {
    out += `\n  no request succeeded in ${f.durationSec.toFixed(4)} secs.\n`;
  }
  const errors = Object.entries(p.recorder.errors());
  if (errors.length > 0) {
    out += '\nError distribution:\n';
    for (const [message, n] of errors) out += `  [${n}]\t${message}\n`;
  }
  return out;
}

/** The whole run: phases measured on the way, then the main one, then workload counts. */
export function formatReport(r: WorkloadResult): string {
  const parts = [...r.phases, r.main].map(formatPhase);
  const stats = Object.entries(r.stats);
  if (stats.length > 0) parts.push(`Workload:\n${stats.map(([k, v]) => `  ${k}:\t${v}`).join('\n')}\n`);
  return parts.join('\n');
}
