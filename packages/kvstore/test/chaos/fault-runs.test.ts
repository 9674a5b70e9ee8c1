import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultKind } from '../../src/chaos/faults/index.js';
import { LocalCluster } from '../../src/chaos/local-cluster.js';
import { checkRun, writeReports } from '../../src/chaos/main.js';
import { FAST_TIMING, kvstoreCommand } from '../../src/chaos/member-process.js';
import { parseChaosOptions } from '../../src/chaos/options.js';
import { runChaos, type ChaosRun } from '../../src/chaos/runner.js';
import { FAST_TIMING_FLAGS, expectWellFormed, okAfter } from './well-formed.js';

/** Whether the fault always costs the cluster its leader. */
const CASES: readonly { readonly fault: FaultKind; readonly failover: boolean }[] = [
  { fault: 'kill-leader', failover: true },
  { fault: 'partition-leader', failover: true },
  { fault: 'kill-random', failover: false },
  { fault: 'pause', failover: false },
  { fault: 'asymmetric', failover: false },
  { fault: 'flapping', failover: false },
  { fault: 'membership', failover: false },
  { fault: 'restart', failover: false },
];

/**
 * Writes must come back within this after the leader is lost. The members' own limit (3 election
 * timeouts, what `kvstore chaos` enforces) is a speed goal for benchmark runs; on a loaded CI machine
 * the test only asks that the cluster recovers at all, well before the run ends.
 */
const MAX_UNAVAILABLE_S = '20';

/**
 * One short run per fault type on one shared 3-member cluster (a cluster start is most of a short
 * run's cost on two cores): 5 s of workload with the fault injected once, then the checks.
 */
describe('kvstore chaos: a short run per fault type', function () {
  this.timeout(60_000);
  let cluster: LocalCluster | undefined;
  let out: string;

  before(async function () {
    this.timeout(60_000);
    out = await mkdtemp(join(tmpdir(), 'flotilla-chaos-test-'));
    cluster = await LocalCluster.start(3, kvstoreCommand(FAST_TIMING));
  });
  after(async () => {
    await cluster?.stop();
    await rm(out, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(`${c.fault}: the run completes, the cluster recovers${c.failover ? ' with a failover' : ''}, and every check passes`, async () => {
      const lines: string[] = [];
      const options = parseChaosOptions(['--duration', '5', '--interval', '3', '--faults', c.fault, '--clients', '4', '--keys', '4', '--seed', '11', '--max-unavailable', MAX_UNAVAILABLE_S, '--out', out, ...FAST_TIMING_FLAGS], out, 0);
      const run = await runChaos(options, (l) => lines.push(l), undefined, cluster);
      const why = () => `${lines.join('\n')}\n${cluster!.members.map((m) => `${m.spec.name}:\n${m.log}`).join('\n')}`;

      expectWellFormed(run.history);
      expect(run.history.faults.map((f) => f.kind), why()).to.deep.equal([c.fault]);
      expect(run.skippedFaults, why()).to.deep.equal([]);
      expect(okAfter(run.history, run.history.faults[0].endedAt!), 'operations succeed after the fault is healed').to.be.greaterThan(0);
      if (c.failover) {
        // A loaded machine may also see an election of its own; the fault's failover must be there.
        const failover = run.failovers.find((f) => f.fault === c.fault);
        expect(failover, `a failover after the fault\n${why()}`).to.not.equal(undefined);
        expect(failover!.recoveryMs, 'writes came back').to.be.a('number');
      }
      expectChecksPass(run);
    });
  }

  it('writes report.json (history and verdict) and a self-contained report.html with the timeline chart', async () => {
    const options = parseChaosOptions(['--duration', '2', '--interval', '10', '--clients', '2', '--seed', '3', '--out', join(out, 'report'), ...FAST_TIMING_FLAGS], out, 0);
    const checked = checkRun(await runChaos(options, () => undefined, undefined, cluster));
    const files = await writeReports(checked);
    const doc = JSON.parse(await readFile(files.json, 'utf8'));
    expect(doc.history.operations.length).to.equal(checked.run.history.operations.length);
    expect(doc.verdict.status).to.equal('ok');
    expect(doc.replay).to.equal('kvstore chaos --members 3 --duration 2 --faults kill-leader,kill-random,pause,partition-leader,asymmetric,flapping,membership,restart --interval 10 --clients 2 --keys 8 --heartbeat-interval 50 --election-timeout 500 --seed 3');
    const html = await readFile(files.html, 'utf8');
    expect(html).to.match(/^<!doctype html>/).and.include('<svg').and.include('PASS');
    expect(html, 'nothing fetched').not.to.match(/<(script|link|img)\b/);
  });
});

function expectChecksPass(run: ChaosRun): void {
  const { verdict, checkError } = checkRun(run);
  expect(checkError).to.equal(undefined);
  const failing = Object.values(verdict!.checks).filter((c) => c.status !== 'ok');
  expect(failing.map((c) => `${c.check}: ${c.summary}`)).to.deep.equal([]);
}
