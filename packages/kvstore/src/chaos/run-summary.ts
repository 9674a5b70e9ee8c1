import type { KvOperation, Outcome } from './history.js';
import type { ChaosRun } from './runner.js';
import { percentile } from './timeline.js';

export type OutcomeCounts = Record<Outcome['status'], number>;

/** The figures the table, the HTML report and report.json show. Pure: a run in, numbers out. */
export interface RunSummary {
  /** By operation type, and `all`; lease puts are counted under `put`. */
  readonly operations: Readonly<Record<KvOperation['type'] | 'all', OutcomeCounts>>;
  readonly faults: number;
  readonly faultsByKind: Readonly<Record<string, number>>;
  readonly failovers: number;
  /** Of the failovers' recovery times (ms), those that recovered. */
  readonly recoveryMs: { readonly p50?: number; readonly max?: number };
  readonly unrecovered: number;
  readonly leases: number;
  readonly watchEvents: number;
  readonly watchResumes: number;
  readonly durationMs: number;
}

const zero = (): OutcomeCounts => ({ ok: 0, failed: 0, unknown: 0 });

export function summarise(run: ChaosRun): RunSummary {
  const h = run.history;
  const operations = { put: zero(), get: zero(), delete: zero(), cas: zero(), all: zero() };
  for (const o of h.operations) {
    operations[o.op.type][o.outcome.status]++;
    operations.all[o.outcome.status]++;
  }
  const faultsByKind: Record<string, number> = {};
  for (const f of h.faults) faultsByKind[f.kind] = (faultsByKind[f.kind] ?? 0) + 1;
  const recoveries = run.failovers.flatMap((f) => (f.recoveryMs === undefined ? [] : [f.recoveryMs])).sort((a, b) => a - b);
  return {
    operations,
    faults: h.faults.length,
    faultsByKind,
    failovers: run.failovers.length,
    recoveryMs: recoveries.length > 0 ? { p50: percentile(recoveries, 0.5), max: recoveries[recoveries.length - 1] } : {},
    unrecovered: run.failovers.length - recoveries.length,
    leases: h.leases.length,
    watchEvents: h.watches.reduce((n, w) => n + w.events.length, 0),
    watchResumes: h.watches.reduce((n, w) => n + w.resumes.length, 0),
    durationMs: h.endedAt,
  };
}
