import { expect } from 'chai';
import { parseCompareOptions } from '../../src/bench/compare-options.js';
import { compareRuns, formatComparison, roundOrder, type TargetRun } from '../../src/bench/compare.js';
import { BenchUsageError } from '../../src/bench/options.js';

/**
 * `kvstore bench compare`'s arithmetic and flags (its runs start real clusters of ours and of etcd
 * and take minutes, so they are a benchmark, not a test): medians over rounds, ratios, the order
 * the targets run in, and what the flags accept.
 */
const run = (target: TargetRun['target'], round: number, writesPerSec: number, rssMiB: number[]): TargetRun => ({
  target,
  round,
  writesPerSec,
  writeP99Ms: writesPerSec / 100,
  linearizableReadsPerSec: 2 * writesPerSec,
  serializableReadsPerSec: 3 * writesPerSec,
  rssMiB,
  errors: 0,
});

describe('kvstore bench compare: figures and flags', () => {
  it('takes the median of the rounds for each target and divides ours by etcd', () => {
    const runs = [run('ours', 1, 100, [90, 110]), run('etcd', 1, 400, [40, 40]), run('etcd', 2, 500, [50, 50]), run('ours', 2, 300, [100, 100]), run('ours', 3, 200, [95, 105]), run('etcd', 3, 600, [45, 45])];
    const rows = Object.fromEntries(compareRuns(runs).map((r) => [r.metric, r]));
    expect(rows.writesPerSec).to.include({ ours: 200, etcd: 500 });
    expect(rows.writesPerSec.ratio).to.be.closeTo(0.4, 1e-9);
    expect(rows.serializableReadsPerSec.ratio).to.be.closeTo(0.4, 1e-9);
    expect(rows.rssMiBPerMember).to.include({ ours: 100, etcd: 45 });
    const table = formatComparison(compareRuns(runs), runs);
    expect(table).to.contain('| write throughput (req/s) | 200 | 500 | 0.40 |');
    expect(table.split('\n').filter((l) => /^\s+\d\s+(ours|etcd)/.test(l))).to.have.length(6);
  });

  it('gives no ratio without etcd runs', () => {
    const rows = compareRuns([run('ours', 1, 100, [90])]);
    expect(rows.every((r) => r.etcd === undefined && r.ratio === undefined)).to.equal(true);
    expect(formatComparison(rows, [])).to.contain('| write throughput (req/s) | 100 | — | — |');
  });

  it('alternates which target goes first', () => {
    expect([1, 2, 3].map((r) => roundOrder(r, true))).to.deep.equal([
      ['ours', 'etcd'],
      ['etcd', 'ours'],
      ['ours', 'etcd'],
    ]);
    expect(roundOrder(2, false)).to.deep.equal(['ours']);
  });

  it('parses its flags, finds etcd through the fallback, and refuses bad values', () => {
    const o = parseCompareOptions(['--rounds', '2', '--total', '100', '--members', '5'], '/tmp', () => '/opt/etcd');
    expect(o).to.include({ rounds: 2, total: 100, members: 5, clients: 16, etcd: '/opt/etcd', out: '/tmp/bench-results/kvstore-bench-compare.json' });
    expect(parseCompareOptions(['--etcd', '/x/etcd'], '/tmp', () => undefined)?.etcd).to.equal('/x/etcd');
    expect(parseCompareOptions(['--help'], '/tmp')).to.equal(undefined);
    expect(() => parseCompareOptions(['--members', '4'], '/tmp')).to.throw(BenchUsageError, 'not 3 or 5');
    expect(() => parseCompareOptions(['--rounds', '0'], '/tmp')).to.throw(BenchUsageError, '--rounds');
    expect(() => parseCompareOptions(['--bogus'], '/tmp')).to.throw(BenchUsageError);
  });
});
