import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { ProcessCluster, freePort, type ProcessMember } from '../cluster/process-cluster.js';

/** The real etcdctl from the system, never a node_modules/.bin one (npm links ours there). */
const ETCDCTL = ['/usr/bin/etcdctl', '/usr/local/bin/etcdctl'].find((p) => spawnSync(p, ['version']).status === 0);

interface Run {
  readonly out: string;
  readonly err: string;
  readonly code: number | null;
}

/** etcdctl prints member and cluster IDs in `member add/promote/remove` with Go's %16x: space-padded. */
const hex16 = (id: string) => id.padStart(16, ' ');

/** One line of `endpoint status` (simple format): endpoint, ID, version, size, leader?, learner?, term, index, applied, errors. */
function statusLines(out: string): { endpoint: string; id: string; isLeader: boolean; isLearner: boolean }[] {
  return out
    .trim()
    .split('\n')
    .map((line) => line.split(', '))
    .map((f) => ({ endpoint: f[0], id: f[1], isLeader: f[4] === 'true', isLearner: f[5] === 'true' }));
}

/**
 * Membership and leadership changes made by the real etcdctl 3.4 over gRPC, with its output
 * and exit codes as it prints them against etcd 3.4.23 (checked against a real etcd cluster).
 * The scenario runs in order: a learner is added, started, promoted, leadership moves, and the
 * member is removed again.
 */
describe('gRPC: the real etcdctl 3.4 changes our cluster’s membership and leadership', function () {
  this.timeout(120_000);
  let cluster: ProcessCluster;
  let joined: ProcessMember | undefined;
  /** The joined member while it is a learner. */
  let learner: ProcessMember | undefined;
  let learnerId = '';
  let clusterId = '';

  const running = () => cluster.members.filter((m) => m.process);
  /** The members etcdctl is pointed at: not the learner, which refuses most calls (as etcd's does). */
  const voters = () => running().filter((m) => m !== learner);
  const endpoints = (members = running()) => members.map((m) => m.clientUrl.replace('http://', '')).join(',');
  const etcdctl = (args: string[], members = voters()): Run => {
    const r = spawnSync(ETCDCTL!, [`--endpoints=${endpoints(members)}`, ...args], { encoding: 'utf8', env: { ...process.env, ETCDCTL_API: '3' }, timeout: 30_000 });
    return { out: r.stdout, err: r.stderr, code: r.status };
  };
  const ok = (args: string[], members = voters()) => {
    const r = etcdctl(args, members);
    expect(r.code, `etcdctl ${args.join(' ')}: ${r.err}`).to.equal(0);
    return r.out;
  };
  const leaderId = () => {
    const leaders = statusLines(ok(['endpoint', 'status'])).filter((s) => s.isLeader);
    expect(leaders).to.have.length(1);
    return leaders[0].id;
  };

  before(async function () {
    if (!ETCDCTL) {
      console.log('      (etcdctl not installed: skipped; .ci/run installs etcd-client)');
      this.skip();
    }
    cluster = await ProcessCluster.start(3);
  });
  after(async () => {
    await cluster?.stop();
  });

  it('alarm list prints nothing and succeeds while no alarm is raised', () => {
    const r = etcdctl(['alarm', 'list']);
    expect(r).to.deep.include({ out: '', code: 0 });
  });

  it('member add --learner prints the environment for the new member; it is listed unstarted', async () => {
    const peerUrl = `http://127.0.0.1:${await freePort()}`;
    const before = ok(['member', 'list']).trim().split('\n');
    const out = ok(['member', 'add', 'm3', `--peer-urls=${peerUrl}`, '--learner']);
    const m = /^Member ([ 0-9a-f]{16}) added to cluster ([ 0-9a-f]{16})\n\n/.exec(out);
    expect(m, out).to.not.equal(null);
    learnerId = m![1].trim();
    clusterId = m![2].trim();
    const initial = cluster.members.map((x) => `${x.name}=${x.peerUrl}`).concat(`m3=${peerUrl}`);
    const env = out.slice(m![0].length).trim().split('\n');
    expect(env[0]).to.equal('ETCD_NAME="m3"');
    expect(/^ETCD_INITIAL_CLUSTER="(.*)"$/.exec(env[1])![1].split(',').sort()).to.deep.equal(initial.sort());
    expect(env.slice(2)).to.deep.equal([`ETCD_INITIAL_ADVERTISE_PEER_URLS="${peerUrl}"`, 'ETCD_INITIAL_CLUSTER_STATE="existing"']);
    const after = ok(['member', 'list']).trim().split('\n');
    expect(after).to.have.length(before.length + 1);
    expect(after).to.include(`${learnerId}, unstarted, , ${peerUrl}, , true`);
    // Unstarted, it cannot be in sync with the leader.
    const early = etcdctl(['member', 'promote', learnerId]);
    expect(early.code).to.equal(1);
    expect(early.err).to.contain('Error: etcdserver: can only promote a learner member which is in sync with leader\n');
    joined = await cluster.join('m3', peerUrl);
    learner = joined;
  });

  it('the started learner serves endpoint status and serializable reads; anything else: rpc not supported for learner', async () => {
    ok(['put', 'seen-by-learner', 'v']);
    let status: ReturnType<typeof statusLines>[number] | undefined;
    for (const until = Date.now() + 30_000; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 200))) {
      const r = etcdctl(['endpoint', 'status'], [joined!]);
      if (r.code === 0 && statusLines(r.out)[0].isLearner) {
        status = statusLines(r.out)[0];
        break;
      }
    }
    expect(status, `the learner never reported itself as one; m3's log:\n${joined!.log}`).to.deep.include({ id: learnerId, isLeader: false, isLearner: true });
    for (let i = 0; i < 100 && ok(['get', 'seen-by-learner', '--consistency=s', '--print-value-only'], [joined!]) !== 'v\n'; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ok(['get', 'seen-by-learner', '--consistency=s', '--print-value-only'], [joined!])).to.equal('v\n');
    for (const [args, message] of [
      [['put', 'k', 'v'], 'Error: etcdserver: rpc not supported for learner\n'],
      [['member', 'promote', learnerId], 'Error: etcdserver: rpc not supported for learner\n'],
      [['lease', 'grant', '10'], 'Error: failed to grant lease (etcdserver: rpc not supported for learner)\n'],
    ] as const) {
      const r = etcdctl([...args], [joined!]);
      expect(r.code, `${args.join(' ')}: ${r.err}`).to.equal(1);
      expect(r.err).to.contain(message);
    }
  });

  it('member promote succeeds once the started learner has caught up', async () => {
    let promoted: Run | undefined;
    for (const until = Date.now() + 60_000; Date.now() < until; ) {
      const r = etcdctl(['member', 'promote', learnerId]);
      if (r.code === 0) {
        promoted = r;
        break;
      }
      // etcd refuses while the learner is behind (or not yet started); anything else is a failure.
      expect(r.code, r.err).to.equal(1);
      expect(r.err).to.contain('Error: etcdserver: can only promote a learner member which is in sync with leader\n', r.err);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(promoted, `never promoted; m3's log:\n${joined?.log}`).to.not.equal(undefined);
    learner = undefined;
    expect(promoted!.out).to.equal(`Member ${hex16(learnerId)} promoted in cluster ${hex16(clusterId)}\n`);
    const members = ok(['member', 'list']).trim().split('\n');
    expect(members).to.have.length(4);
    expect(members.find((l) => l.startsWith(`${learnerId}, `))).to.equal(`${learnerId}, started, m3, ${joined!.peerUrl}, ${joined!.clientUrl}, false`);
    const again = etcdctl(['member', 'promote', learnerId]);
    expect(again.code).to.equal(1);
    expect(again.err).to.contain('Error: etcdserver: can only promote a learner member\n');
  });

  it('endpoint health --cluster checks every member by its client URL, and fails for one that does not answer', async () => {
    await cluster.waitHealthy();
    const healthy = etcdctl(['endpoint', 'health', '--cluster'], [cluster.members[0]]);
    expect(healthy.code, healthy.err).to.equal(0);
    const urls = (text: string, re: RegExp) => text.split('\n').flatMap((l) => (re.test(l) ? [l.split(' ')[0]] : [])).sort();
    expect(urls(healthy.err, / is healthy: successfully committed proposal: took = /)).to.deep.equal(running().map((m) => m.clientUrl).sort());

    // A stopped (not killed) follower accepts connections but never answers.
    const leader = await cluster.leader();
    const frozen = running().find((m) => m !== leader && m !== joined)!;
    frozen.process!.kill('SIGSTOP');
    try {
      const r = etcdctl(['endpoint', 'health', '--cluster'], [leader]);
      expect(r.code).to.equal(1);
      expect(urls(r.err, / is healthy: successfully committed proposal: took = /)).to.deep.equal(running().filter((m) => m !== frozen).map((m) => m.clientUrl).sort());
      expect(r.err).to.contain(`${frozen.clientUrl} is unhealthy: failed to commit proposal: context deadline exceeded\n`);
      expect(r.err).to.match(/Error: unhealthy cluster\n$/);
    } finally {
      frozen.process!.kill('SIGCONT');
    }
  });

  it('move-leader hands leadership to a follower; endpoint status shows the new leader', async () => {
    await cluster.waitHealthy();
    const from = leaderId();
    const to = statusLines(ok(['endpoint', 'status'])).find((s) => !s.isLeader && s.id !== learnerId)!.id;
    expect(ok(['move-leader', to])).to.equal(`Leadership transferred from ${from} to ${to}\n`);
    expect(leaderId()).to.equal(to);

    // etcdctl needs the leader among its endpoints; a follower alone is a bad argument.
    const follower = running().find((m) => statusLines(ok(['endpoint', 'status'], [m]))[0].id !== to)!;
    const noLeader = etcdctl(['move-leader', from], [follower]);
    expect(noLeader.code).to.equal(128);
    expect(noLeader.err).to.equal(`Error: no leader endpoint given at [${follower.clientUrl.replace('http://', '')}]\n`);
    const unknown = etcdctl(['move-leader', 'ffff']);
    expect(unknown.code).to.equal(1);
    expect(unknown.err).to.contain('Error: etcdserver: bad leader transferee\n');
  });

  it('member remove takes the member out; removing it again: member not found', async () => {
    expect(ok(['member', 'remove', learnerId])).to.equal(`Member ${hex16(learnerId)} removed from cluster ${hex16(clusterId)}\n`);
    await cluster.kill(joined!);
    const members = ok(['member', 'list']).trim().split('\n');
    expect(members).to.have.length(3);
    expect(members.some((l) => l.startsWith(`${learnerId}, `))).to.equal(false);
    const again = etcdctl(['member', 'remove', learnerId]);
    expect(again.code).to.equal(1);
    expect(again.err).to.contain('Error: etcdserver: member not found\n');
    // The three left still commit.
    expect(ok(['put', 'after-remove', 'v'])).to.equal('OK\n');
    const health = etcdctl(['endpoint', 'health', '--cluster']);
    expect(health.code, health.err).to.equal(0);
    expect(health.err.match(/ is healthy: /g)).to.have.length(3);
  });
});
