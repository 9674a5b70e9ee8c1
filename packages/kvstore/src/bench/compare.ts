/**
 * `kvstore bench compare`: the same workload against our cluster and a real etcd cluster, each
 * started fresh for every run, alternating, and the ratios of what they did.
 */
import { readFile } from 'node:fs/promises';
import { LocalCluster } from '../chaos/local-cluster.js';
import { FAST_TIMING, etcdCommand, kvstoreCommand, type MemberProcess } from '../chaos/member-process.js';
import { COMPARE_USAGE, parseCompareOptions, type CompareOptions } from './compare-options.js';
import type { BenchIo } from './main.js';
import { BenchUsageError, type CommonOptions } from './options.js';
import { runPut } from './put.js';
import { runRange } from './range.js';
import { phaseFigures } from './report.js';
import { writeOutput } from './result-file.js';
import type { WorkloadResult } from './workload-result.js';

export type Target = 'ours' | 'etcd';

/** What one run against one fresh cluster measured. */
export interface TargetRun {
  readonly target: Target;
  readonly round: number;
  readonly writesPerSec: number;
  readonly writeP99Ms: number;
  readonly linearizableReadsPerSec: number;
  readonly serializableReadsPerSec: number;
  /** Resident memory (VmRSS) of each member after the workload, MiB. */
  readonly rssMiB: readonly number[];
  /** Requests that failed, all phases together. */
  readonly errors: number;
}

/** The figures the comparison is about: each a median over rounds, and ours/etcd. */
export const METRICS = [
  { key: 'writesPerSec', label: 'write throughput (req/s)', digits: 0 },
  { key: 'writeP99Ms', label: 'p99 write latency (ms)', digits: 1 },
  { key: 'linearizableReadsPerSec', label: 'linearizable reads (req/s)', digits: 0 },
  { key: 'serializableReadsPerSec', label: 'serializable reads (req/s)', digits: 0 },
  { key: 'rssMiBPerMember', label: 'resident memory per member (MiB)', digits: 1 },
] as const;
type MetricKey = (typeof METRICS)[number]['key'];

const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

function median(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function metricOf(run: TargetRun, key: MetricKey): number {
  return key === 'rssMiBPerMember' ? mean(run.rssMiB) : run[key];
}

export interface ComparisonRow {
  readonly metric: MetricKey;
  readonly label: string;
  readonly ours: number | undefined;
  readonly etcd: number | undefined;
  /** ours / etcd; above 1 is more of it (for latency and memory, worse). */
  readonly ratio: number | undefined;
}

/** Medians over rounds of each metric for each target, and their ratio. Pure. */
export function compareRuns(runs: readonly TargetRun[]): ComparisonRow[] {
  return METRICS.map(({ key, label }) => {
    const ours = median(runs.filter((r) => r.target === 'ours').map((r) => metricOf(r, key)));
    const etcd = median(runs.filter((r) => r.target === 'etcd').map((r) => metricOf(r, key)));
    const ratio = ours !== undefined && etcd !== undefined && etcd > 0 ? ours / etcd : undefined;
    return { metric: key, label, ours, etcd, ratio };
  });
}

const fixed = (v: number | undefined, digits: number) => (v === undefined ? '—' : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));

/** The comparison as a Markdown table (what the README shows), then every run's figures. */
export function formatComparison(rows: readonly ComparisonRow[], runs: readonly TargetRun[]): string {
  const digits = (key: MetricKey) => METRICS.find((m) => m.key === key)?.digits ?? 1;
  const lines = ['| metric (median of rounds) | ours | etcd | ours / etcd |', '|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.label} | ${fixed(r.ours, digits(r.metric))} | ${fixed(r.etcd, digits(r.metric))} | ${fixed(r.ratio, 2)} |`);
  lines.push('', 'runs, in the order they ran:', 'round  target  writes/s  p99 write ms  lin reads/s  ser reads/s  RSS MiB per member  errors');
  for (const r of runs) {
    lines.push(
      `${String(r.round).padStart(5)}  ${r.target.padEnd(6)}  ${fixed(r.writesPerSec, 0).padStart(8)}  ${fixed(r.writeP99Ms, 1).padStart(12)}  ` +
        `${fixed(r.linearizableReadsPerSec, 0).padStart(11)}  ${fixed(r.serializableReadsPerSec, 0).padStart(11)}  ${r.rssMiB.map((m) => m.toFixed(0)).join('/').padStart(18)}  ${r.errors}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The order of one round: the target that went second last round goes first, so neither always runs on a warmer machine. */
export function roundOrder(round: number, withEtcd: boolean): Target[] {
  if (!withEtcd) return ['ours'];
  return round % 2 === 1 ? ['ours', 'etcd'] : ['etcd', 'ours'];
}

/** A member's resident set (VmRSS) in MiB, from /proc; undefined once the process is gone. */
async function residentMiB(m: MemberProcess): Promise<number | undefined> {
  if (m.pid === undefined) return undefined;
  try {
    const status = await readFile(`/proc/${m.pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

const errorsOf = (r: WorkloadResult) => r.main.recorder.failed;

/** One fresh cluster of `target`: puts, linearizable reads, serializable reads, then each member's memory. */
export async function runTarget(target: Target, round: number, o: CompareOptions, log: (line: string) => void): Promise<TargetRun> {
  const command = target === 'ours' ? kvstoreCommand(FAST_TIMING) : etcdCommand(o.etcd!, FAST_TIMING);
  log(`round ${round}/${o.rounds}, ${target}: starting ${o.members} members`);
  const cluster = await LocalCluster.start(o.members, command, `flotilla-bench-compare-${target}-`);
  try {
    const common: CommonOptions = {
      endpoints: cluster.clientUrls,
      clients: o.clients,
      conns: o.conns,
      transport: o.transport,
      keySize: Math.max(8, String(o.keySpaceSize - 1).length),
      valSize: o.valSize,
      sequentialKeys: false,
      keySpaceSize: o.keySpaceSize,
      out: '',
    };
    const put = await runPut({ ...common, workload: 'put', total: o.total, targetLeader: false });
    const lin = await runRange({ ...common, workload: 'range', total: o.total, consistency: 'l', key: undefined, rangeEnd: undefined });
    const ser = await runRange({ ...common, workload: 'range', total: o.total, consistency: 's', key: undefined, rangeEnd: undefined });
    const rss = await Promise.all(cluster.members.map(residentMiB));
    const run: TargetRun = {
      target,
      round,
      writesPerSec: phaseFigures(put.main).throughput,
      writeP99Ms: put.main.recorder.summary().percentilesMs.p99 ?? 0,
      linearizableReadsPerSec: phaseFigures(lin.main).throughput,
      serializableReadsPerSec: phaseFigures(ser.main).throughput,
      rssMiB: rss.filter((m): m is number => m !== undefined),
      errors: errorsOf(put) + errorsOf(lin) + errorsOf(ser),
    };
    log(
      `round ${round}/${o.rounds}, ${target}: ${run.writesPerSec.toFixed(0)} writes/s (p99 ${run.writeP99Ms.toFixed(1)} ms), ` +
        `${run.linearizableReadsPerSec.toFixed(0)} linearizable and ${run.serializableReadsPerSec.toFixed(0)} serializable reads/s, ` +
        `${mean(run.rssMiB).toFixed(0)} MiB per member, ${run.errors} errors`,
    );
    return run;
  } finally {
    await cluster.stop();
  }
}

/** `kvstore bench compare [flags]`: runs every round, prints the table, writes the JSON result. Exit code 0, 1 (a run failed) or 2 (bad flags). */
export async function compareMain(argv: readonly string[], io: BenchIo): Promise<number> {
  let options: CompareOptions | undefined;
  try {
    options = parseCompareOptions(argv, io.cwd);
  } catch (err) {
    if (!(err instanceof BenchUsageError)) throw err;
    io.stderr.write(`kvstore bench compare: ${err.message}\n(see kvstore bench compare --help)\n`);
    return 2;
  }
  if (options === undefined) {
    io.stdout.write(COMPARE_USAGE);
    return 0;
  }
  const log = (line: string) => io.stderr.write(`${line}\n`);
  if (!options.etcd) log('kvstore bench compare: no etcd binary found (install the Debian etcd package or pass --etcd): measuring ours only');
  const runs: TargetRun[] = [];
  try {
    for (let round = 1; round <= options.rounds; round++) {
      for (const target of roundOrder(round, options.etcd !== undefined)) runs.push(await runTarget(target, round, options, log));
    }
  } catch (err) {
    log(`kvstore bench compare: ${(err as Error).stack ?? err}`);
    return 1;
  }
  const rows = compareRuns(runs);
  io.stdout.write(`kvstore bench compare: ${options.members} members each, ${options.rounds} round(s), ${options.total} requests per phase, ${options.clients} clients, ${options.conns} conns, ${options.transport}\n\n`);
  io.stdout.write(formatComparison(rows, runs));
  const doc = { tool: 'kvstore bench compare', finishedAt: new Date().toISOString(), options, comparison: rows, runs };
  await writeOutput(options.out, JSON.stringify(doc, null, 2) + '\n');
  log(`wrote ${options.out}`);
  return 0;
}
