/**
 * `npm run check-perf -w @flotilla/kvstore [-- --rounds N] [-- <etcdctl check perf flags>]`:
 * etcd's own acceptance test for a cluster, run by the real `etcdctl check perf` (--load=s unless
 * flags are given) against a temp three-member kvstore cluster and, as the baseline of the same run,
 * against a three-member etcd 3.4 cluster (when the `etcd` binary is installed); alternating, N
 * rounds each. Both run with etcd's default heartbeat (100 ms) and election timeout (1000 ms), as
 * `check perf` is meant to be run. Prints each verdict and a summary with our/etcd ratios, writes
 * bench-results/check-perf.json, and exits 0 only if every round against our cluster passed.
 *
 * etcdctl is the system's (ETCDCTL, else /usr/bin or /usr/local/bin), never the one npm
 * links into node_modules/.bin, which is our own clone.
 */
import { spawn, spawnSync } from 'node:child_process';
import { ProcessCluster } from '../test/cluster/process-cluster.js';
import { EtcdCluster, findEtcd } from '../test/parity/etcd-cluster.js';
import { writeOutput } from '../src/bench/result-file.js';

const ETCDCTL = [process.env.ETCDCTL, '/usr/bin/etcdctl', '/usr/local/bin/etcdctl'].find((p): p is string => !!p && spawnSync(p, ['version']).status === 0);
const TIMINGS = ['--heartbeat-interval=100', '--election-timeout=1000'];
const OUT = 'bench-results/check-perf.json';

/** What `check perf` printed after its progress bar. */
interface Verdict {
  readonly target: 'ours' | 'etcd';
  readonly round: number;
  readonly passed: boolean;
  readonly throughput?: number;
  readonly slowestSec?: number;
  readonly stddevSec?: number;
  readonly lines: readonly string[];
}

async function runCheckPerf(endpoints: readonly string[], args: readonly string[]): Promise<{ code: number; lines: string[] }> {
  const hosts = endpoints.map((u) => u.replace('http://', '')).join(',');
  const child = spawn(ETCDCTL!, [`--endpoints=${hosts}`, ...args], { env: { ...process.env, ETCDCTL_API: '3' }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d;
    process.stdout.write(d);
  });
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  });
  process.stdout.write('\n');
  // The progress bar redraws itself with carriage returns; the verdict lines follow it.
  return { code, lines: out.split(/[\r\n]/).filter((l) => /^(PASS|FAIL)|took too long|too high|too low/.test(l)) };
}

function verdictOf(target: Verdict['target'], round: number, code: number, lines: string[]): Verdict {
  const num = (re: RegExp) => {
    const m = lines.map((l) => re.exec(l)).find(Boolean);
    return m ? Number(m[1]) : undefined;
  };
  return {
    target,
    round,
    passed: code === 0 && lines.at(-1) === 'PASS',
    throughput: num(/Throughput (?:is|too low:) (\d+)/),
    slowestSec: num(/Slowest request took (?:too long: )?([\d.]+)s/),
    stddevSec: num(/Stddev (?:is |too high: )([\d.]+)s/),
    lines,
  };
}

async function oneRound(target: Verdict['target'], round: number, args: readonly string[], etcdBin: string | undefined): Promise<Verdict> {
  process.stdout.write(`\n== round ${round}: ${target} ==\n`);
  if (target === 'ours') {
    const cluster = await ProcessCluster.start(3, TIMINGS);
    try {
      const r = await runCheckPerf(cluster.members.map((m) => m.clientUrl), args);
      // A member that logged warnings (dropped proposals, slow applies) says why a run failed.
      for (const m of cluster.members) if (m.log.trim()) process.stdout.write(`--- ${m.name} log\n${m.log.trim().split('\n').slice(-20).join('\n')}\n`);
      return verdictOf(target, round, r.code, r.lines);
    } finally {
      await cluster.stop();
    }
  }
  const cluster = await EtcdCluster.start(etcdBin!, 3, 20_000, ['--heartbeat-interval', '100', '--election-timeout', '1000']);
  try {
    const r = await runCheckPerf(cluster.clientUrls, args);
    return verdictOf(target, round, r.code, r.lines);
  } finally {
    await cluster.stop();
  }
}

const fmt = (v: number | undefined, digits: number) => (v === undefined ? '-' : v.toFixed(digits));
const mean = (xs: (number | undefined)[]) => {
  const ok = xs.filter((x): x is number => x !== undefined);
  return ok.length === 0 ? undefined : ok.reduce((a, b) => a + b, 0) / ok.length;
};

async function main(): Promise<number> {
  if (!ETCDCTL) {
    process.stderr.write('check-perf: no etcdctl found (set ETCDCTL, or install etcd-client for /usr/bin/etcdctl)\n');
    return 2;
  }
  const argv = process.argv.slice(2);
  const roundsAt = argv.indexOf('--rounds');
  const rounds = roundsAt >= 0 ? Number(argv[roundsAt + 1]) : 1;
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a whole number of rounds, at least 1');
  const flags = roundsAt >= 0 ? [...argv.slice(0, roundsAt), ...argv.slice(roundsAt + 2)] : argv;
  const args = ['check', 'perf', ...(flags.length > 0 ? flags : ['--load=s'])];
  const etcdBin = findEtcd();
  if (!etcdBin) process.stdout.write('check-perf: no etcd binary: running against our cluster only (apt-get install etcd-server for the baseline)\n');

  const verdicts: Verdict[] = [];
  for (let round = 1; round <= rounds; round++) {
    verdicts.push(await oneRound('ours', round, args, etcdBin));
    if (etcdBin) verdicts.push(await oneRound('etcd', round, args, etcdBin));
  }

  process.stdout.write(`\n${ETCDCTL} ${args.join(' ')}, three members each, heartbeat 100 ms, election timeout 1000 ms\n`);
  process.stdout.write('target  round  verdict  writes/s  slowest (s)  stddev (s)\n');
  for (const v of verdicts) {
    process.stdout.write(`${v.target.padEnd(6)}  ${String(v.round).padStart(5)}  ${(v.passed ? 'PASS' : 'FAIL').padEnd(7)}  ${fmt(v.throughput, 0).padStart(8)}  ${fmt(v.slowestSec, 3).padStart(11)}  ${fmt(v.stddevSec, 3).padStart(10)}\n`);
  }
  const ours = verdicts.filter((v) => v.target === 'ours');
  const etcd = verdicts.filter((v) => v.target === 'etcd');
  const ratio = (pick: (v: Verdict) => number | undefined) => {
    const a = mean(ours.map(pick));
    const b = mean(etcd.map(pick));
    return a === undefined || b === undefined || b === 0 ? undefined : a / b;
  };
  const ratios = { throughput: ratio((v) => v.throughput), slowest: ratio((v) => v.slowestSec), stddev: ratio((v) => v.stddevSec) };
  if (etcd.length > 0) process.stdout.write(`ours/etcd: throughput ${fmt(ratios.throughput, 2)}x, slowest request ${fmt(ratios.slowest, 1)}x, stddev ${fmt(ratios.stddev, 1)}x\n`);
  await writeOutput(OUT, JSON.stringify({ tool: 'check-perf', startedAt: new Date().toISOString(), etcdctl: ETCDCTL, args, verdicts, ratios }, null, 2) + '\n');
  process.stdout.write(`wrote ${OUT}\n`);
  return ours.every((v) => v.passed) ? 0 : 1;
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // The clusters stop in their `finally` blocks once etcdctl, which got the same signal, exits.
  process.once(signal, () => (stopping = true));
}

main().then(
  (code) => process.exit(stopping ? 130 : code),
  (err: unknown) => {
    process.stderr.write(`check-perf: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
