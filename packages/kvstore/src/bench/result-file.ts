import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SecondPoint } from './latency-recorder.js';
import type { BenchOptions } from './options.js';
import { phaseFigures, type PhaseFigures } from './report.js';
import type { Phase, WorkloadResult } from './workload-result.js';

/** A phase as it is written to the result file. */
export interface PhaseDocument extends PhaseFigures {
  readonly title: string;
  readonly errors: Readonly<Record<string, number>>;
  readonly latencyMs: { readonly fastest: number; readonly slowest: number; readonly average: number; readonly stddev: number };
  readonly percentilesMs: Readonly<Record<string, number>>;
  readonly series: readonly SecondPoint[];
}

/** The JSON result of a run: the flags it ran with, then the main phase's figures at the top level. */
export interface ResultDocument extends PhaseDocument {
  readonly tool: 'kvstore bench';
  readonly workload: string;
  readonly startedAt: string;
  readonly flags: BenchOptions;
  readonly stats: Readonly<Record<string, number | string>>;
  readonly phases: readonly PhaseDocument[];
}

/** Milliseconds to the microsecond, seconds to the tenth of a millisecond: finer is clock noise. */
const ms = (v: number) => Math.round(v * 1000) / 1000;

function phaseDocument(p: Phase): PhaseDocument {
  const s = p.recorder.summary();
  const f = phaseFigures(p);
  return {
    title: p.title,
    ...f,
    durationSec: Math.round(f.durationSec * 10_000) / 10_000,
    throughput: Math.round(f.throughput * 100) / 100,
    errors: p.recorder.errors(),
    latencyMs: { fastest: ms(s.fastestMs), slowest: ms(s.slowestMs), average: ms(s.averageMs), stddev: ms(s.stddevMs) },
    percentilesMs: Object.fromEntries(Object.entries(s.percentilesMs).map(([k, v]) => [k, ms(v)])),
    series: p.recorder.series().map((x) => ({ ...x, averageMs: ms(x.averageMs), p50Ms: ms(x.p50Ms), p99Ms: ms(x.p99Ms), maxMs: ms(x.maxMs) })),
  };
}

export function resultDocument(options: BenchOptions, r: WorkloadResult): ResultDocument {
  return {
    tool: 'kvstore bench',
    workload: r.workload,
    startedAt: r.startedAt.toISOString(),
    flags: options,
    ...phaseDocument(r.main),
    stats: r.stats,
    phases: r.phases.map(phaseDocument),
  };
}

/** Writes `text` to `path`, creating its folder. */
export async function writeOutput(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}
