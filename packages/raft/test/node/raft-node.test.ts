import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { ClassicLevel } from 'classic-level';
import { RaftError } from '../../src/core/index.js';
import { RaftNode } from '../../src/node/index.js';
import { LevelLogStorage } from '../../src/storage/index.js';
import { HttpTransport } from '../../src/transport/index.js';
import { CountingStateMachine, startBenchCluster, type BenchCluster } from '../../bench/cluster.js';
import { startSingleNode } from './fixtures/single-node.js';

const here = dirname(fileURLToPath(import.meta.url));
const fast = { tickMs: 20, electionTick: 10 } as const;

async function eventually(check: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const enc = (s: string) => new TextEncoder().encode(s);

describe('RaftNode', function () {
  this.timeout(30_000);
  let root: string;
  let cluster: BenchCluster | undefined;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'flotilla-raft-node-'));
  });
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
    await rm(root, { recursive: true, force: true });
  });

  it('replicates proposals made on the leader and on followers to every member in the same order', async () => {
    cluster = await startBenchCluster(root, 3, { ...fast, snapshotEntries: 1_000_000 });
    const leader = await cluster.waitForLeader();
    const follower = cluster.members.find((m) => m.node !== leader)!.node;
    const results = await Promise.all([
      ...Array.from({ length: 50 }, (_, i) => leader.propose(enc(`l${i}`))),
      ...Array.from({ length: 10 }, (_, i) => follower.propose(enc(`f${i}`))),
    ]);
    expect(new Set(results.map((r) => r.index)).size).to.equal(60);
    await eventually(() => cluster!.members.every((m) => m.sm.count === 60), 10_000, 'all members to apply 60');
    const [a, b, c] = cluster.members.map((m) => m.sm);
    expect(a.appliedPayloads).to.deep.equal(b.appliedPayloads).and.to.deep.equal(c.appliedPayloads);
    expect(a.checksum).to.equal(b.checksum).and.to.equal(c.checksum);
  });

  it('serves a linearizable read barrier on a follower after a committed write', async () => {
    cluster = await startBenchCluster(root, 3, fast);
    const leader = await cluster.waitForLeader();
    const member = cluster.members.find((m) => m.node !== leader)!;
    const { index } = await leader.propose(enc('w'));
    const readIndex = await member.node.readIndex();
    expect(readIndex).to.be.at.least(index);
    // The barrier resolves only once the follower has applied through the read index.
    expect(member.sm.lastIndex).to.be.at.least(index);
  });

  it('hands leadership to another member on request', async () => {
    cluster = await startBenchCluster(root, 3, fast);
    const leader = await cluster.waitForLeader();
    const target = cluster.members.find((m) => m.node !== leader)!;
    await leader.transferLeadership(target.id);
    await eventually(() => target.node.isLeader, 5_000, 'the transferee to lead');
    await target.node.propose(enc('after transfer'));
  });

  it('fails proposals fast with NoLeader once a member has lost its quorum', async () => {
    cluster = await startBenchCluster(root, 3, fast);
    await cluster.waitForLeader();
    const [survivor, ...others] = cluster.members;
    for (const m of others) await cluster.stopMember(m.id);
    await eventually(() => survivor.node.leaderId === '', 5_000, 'the survivor to forget the leader');
    const started = Date.now();
    const err = await survivor.node.propose(enc('x')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(RaftError);
    expect((err as RaftError).code).to.equal('NoLeader');
    expect(Date.now() - started).to.be.below(500);
  });

  it('restarts from disk with its term, vote and log, and keeps committing', async () => {
    cluster = await startBenchCluster(root, 3, { ...fast, snapshotEntries: 1_000_000 });
    const leader = await cluster.waitForLeader();
    for (let i = 0; i < 20; i++) await leader.propose(enc(`a${i}`));
    const victim = cluster.members.find((m) => m.node !== leader)!;
    await eventually(() => victim.sm.count === 20, 5_000, 'the victim to apply 20');
    const before = victim.node.status();
    await cluster.restart(victim.id);
    const after = victim.node.status();
    expect(after.term).to.be.at.least(before.term);
    expect(after.lastIndex).to.be.at.least(before.lastIndex);
    // Everything committed is applied again into the fresh in-memory state machine.
    await eventually(() => victim.sm.count === 20, 5_000, 'the restarted member to re-apply 20');
    const l2 = await cluster.waitForLeader();
    await l2.propose(enc('b'));
    await eventually(() => victim.sm.count === 21, 5_000, 'the restarted member to apply new entries');
  });

  it('catches up a member that missed compacted entries with a snapshot', async () => {
    cluster = await startBenchCluster(root, 3, { ...fast, snapshotEntries: 30 });
    const leader = await cluster.waitForLeader();
    const lagging = cluster.members.find((m) => m.node !== leader)!;
    await cluster.stopMember(lagging.id);
    for (let i = 0; i < 100; i++) await leader.propose(enc(`s${i}`));
    expect(leader.status().snapshotIndex).to.be.above(30);
    await cluster.restart(lagging.id);
    await eventually(() => lagging.sm.count === 100, 10_000, 'the lagging member to catch up');
    expect(lagging.node.metrics.snapshotsInstalled).to.be.at.least(1);
    expect(lagging.sm.appliedPayloads).to.deep.equal(Array.from({ length: 100 }, (_, i) => `s${i}`));
  });

  it('adds a learner, catches it up, promotes it to voter, and removes a member', async () => {
    cluster = await startBenchCluster(root, 3, { ...fast, snapshotEntries: 40 });
    const leader = await cluster.waitForLeader();
    for (let i = 0; i < 60; i++) await leader.propose(enc(`m${i}`));

    const db = new ClassicLevel<Uint8Array, Uint8Array>(join(root, 'n4-db'), { keyEncoding: 'view', valueEncoding: 'view' });
    const transport = new HttpTransport({ id: 'n4', host: '127.0.0.1', port: 0 });
    await transport.start();
    const sm = new CountingStateMachine(true);
    const peers = new Map(cluster.members.map((m) => [m.id, m.url]));
    const joiner = new RaftNode<number>({ ...fast, id: 'n4', storage: new LevelLogStorage(db), transport, stateMachine: sm, peers });
    await joiner.start();
    try {
      // A node may have several peer URLs: every member keeps them all, in the order given,
      // and sends to the lowest (127.0.0.1 < 127.0.0.2), whatever the order.
      const urls = ['http://127.0.0.2:1', transport.url];
      const conf = await leader.proposeConfChange({ type: 'addLearner', nodeId: 'n4', urls });
      expect(conf.learners).to.include('n4');
      expect([leader.peerUrls('n4'), leader.peerUrl('n4')]).to.deep.equal([urls, transport.url]);
      const follower = cluster.members.find((m) => m.node !== leader)!.node;
      await eventually(() => follower.peerUrls('n4')?.length === 2, 5_000, 'a follower to learn both URLs');
      await eventually(() => sm.count === 60, 10_000, 'the learner to catch up');
      const promoted = await leader.proposeConfChange({ type: 'addNode', nodeId: 'n4' });
      expect(promoted.voters).to.include('n4');
      expect(promoted.learners).to.not.include('n4');

      const removed = cluster.members.find((m) => m.node !== leader)!;
      const afterRemove = await leader.proposeConfChange({ type: 'removeNode', nodeId: removed.id });
      expect(afterRemove.voters).to.have.members(['n4', ...cluster.members.filter((m) => m !== removed).map((m) => m.id)]);
      await leader.propose(enc('with n4'));
      await eventually(() => sm.count === 61, 5_000, 'the new voter to apply');
    } finally {
      await joiner.stop();
    }
  });

  it('never loses an acknowledged proposal when the process is killed with SIGKILL', async () => {
    const dir = join(root, 'crash');
    const child = spawn(process.execPath, [join(here, 'fixtures', 'crashing-proposer.js'), dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acked: number[] = [];
    const lines = createInterface({ input: child.stdout! });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await new Promise<void>((resolve) => {
        lines.on('line', (line) => {
          const m = /^ack (\d+)$/.exec(line);
          if (m) acked.push(Number(m[1]));
          if (acked.length === 300) resolve();
        });
      });
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const { node, sm } = await startSingleNode(dir);
    try {
      await eventually(() => node.isLeader, 5_000, 'the restarted node to lead');
      await node.readIndex();
      const applied = new Set(sm.appliedPayloads);
      const lost = acked.filter((n) => !applied.has(`p-${n}`));
      expect(lost, 'acknowledged but lost').to.deep.equal([]);
    } finally {
      await node.stop();
    }
  });
});
