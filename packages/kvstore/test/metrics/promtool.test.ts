import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { request } from 'undici';
import { ProcessCluster } from '../cluster/process-cluster.js';

/**
 * What promtool says of etcd 3.4's own metrics and therefore of ours: etcd declares these
 * gauges with a `_total` suffix, and dashboards know them by those names.
 */
export const ETCD_OWN_LINT = [
  'etcd_debugging_mvcc_keys_total non-counter metrics should not have "_total" suffix',
  'etcd_debugging_mvcc_slow_watcher_total non-counter metrics should not have "_total" suffix',
  'etcd_debugging_mvcc_watch_stream_total non-counter metrics should not have "_total" suffix',
  'etcd_debugging_mvcc_watcher_total non-counter metrics should not have "_total" suffix',
];

/** promtool's complaints about a /metrics page, one per line. */
export function promtoolComplaints(page: string): string[] {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: page, encoding: 'utf8' });
  if (run.error) throw run.error;
  return `${run.stdout}${run.stderr}`.split('\n').map((l) => l.trim()).filter(Boolean);
}

export const hasPromtool = () => spawnSync('promtool', ['--version']).status === 0;

describe('kvstore: /metrics passes promtool', function () {
  this.timeout(30_000);
  let cluster: ProcessCluster | undefined;
  before(async function () {
    if (!hasPromtool()) this.skip();
    cluster = await ProcessCluster.start(1);
  });
  after(async () => {
    await cluster?.stop();
  });

  it('finds nothing wrong beyond what it finds in etcd 3.4 itself', async () => {
    const page = await (await request(`${cluster!.members[0].clientUrl}/metrics`)).body.text();
    expect(page).to.contain('etcd_server_has_leader 1');
    expect(promtoolComplaints(page)).to.deep.equal(ETCD_OWN_LINT);
  });
});
