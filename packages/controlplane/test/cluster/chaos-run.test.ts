import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChaosHistory } from '../../src/cluster/chaos/history.js';
import type { Verdict } from '../../src/cluster/chaos/verdict.js';
import { FlotillaCluster } from '../support/flotilla.js';

describe('flotilla chaos on a running cluster', function () {
  this.timeout(240_000);
  let cluster: FlotillaCluster | undefined;

  before(async () => {
    // One worker is enough for the workload, and keeps the run short on a shared machine.
    cluster = await FlotillaCluster.start(['--runtime', 'hollow', '--restart-delay', '1', '--workers', '1']);
  });

  after(async () => {
    await cluster?.stop();
  });

  it('kills the master holding the store leader while the workload runs, and reports a new leader and every check passed', async () => {
    const reportDir = join(cluster!.dataDir, 'chaos-report');
    const run = await cluster!.flotilla(['chaos', '--duration', '20', '--interval', '8', '--down-for', '4', '--faults', 'store-leader', '--replicas', '2', '--settle', '30', '--report-dir', reportDir]);
    expect(run.stdout, run.stderr).to.include('verdict: PASS');
    expect(run.code, run.stdout).to.equal(0);
    expect(run.stdout).to.match(/chaos: +\d+\/20 s · writes \d+ ok/);

    const report = JSON.parse(await readFile(join(reportDir, 'report.json'), 'utf8')) as { history: ChaosHistory; verdict: Verdict };
    const [fault] = report.history.faults;
    expect(fault.kind).to.equal('store-leader');
    expect(fault.killed.map((k) => k.component)).to.include('kvstore');
    const [recovery] = report.verdict.recoveries;
    expect(recovery.newLeaders.store?.afterMs, 'time to a new store leader').to.be.a('number');
    expect(recovery.newLeaders.store?.to).to.not.equal(fault.target);
    expect(report.history.writes.filter((w) => w.outcome === 'ok').length).to.be.greaterThan(10);
    expect(report.verdict.checks.every((c) => c.passed)).to.equal(true);
    expect(await readFile(join(reportDir, 'report.html'), 'utf8')).to.include('<svg');
  });
});
