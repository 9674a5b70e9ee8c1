import { expect } from 'chai';
import { RaftCore, type Message, type MsgSnap } from '../../src/core/index.js';
import { Cluster, entries, expectRaftError } from './harness.js';

const snapTo = (id: string) => (m: Message): m is MsgSnap => m.type === 'snap' && m.to === id;
const stateOf = (c: Cluster, leader: string, id: string) => c.core(leader).status().progress.get(id)!.state;

/** A cluster where c missed `n` commands that a has since compacted away. */
function behindCompaction(n: number): { c: Cluster; at: number } {
  const c = new Cluster({ voters: ['a', 'b', 'c'] });
  c.electLeader('a');
  c.isolate('c');
  for (let i = 0; i < n; i++) c.propose('a', `v${i}`);
  const at = c.compact('a').metadata.index;
  c.heal();
  return { c, at };
}

describe('log compaction and InstallSnapshot (§5)', () => {
  it('compact(index) drops the prefix and keeps the tail', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'] });
    const a = c.electLeader('a');
    for (let i = 0; i < 5; i++) c.propose('a', `v${i}`);
    const last = a.lastIndex;
    const snap = c.compact('a', 4);
    expect(snap.metadata).to.deep.include({ index: 4, term: 1 });
    expect(snap.metadata.confState).to.deep.equal({ voters: ['a', 'b', 'c'], learners: [] });
    expect(a.snapshotMetadata().index).to.equal(4);
    expect(a.logEntries().map((e) => e.index)).to.deep.equal([5, 6]);
    expect(a.lastIndex).to.equal(last);
    expectRaftError(() => a.compact(3, new Uint8Array()), 'Compacted');
    expectRaftError(() => a.compact(last + 1, new Uint8Array()), 'Unavailable');
  });

  it('a follower that needs compacted entries gets one MsgSnap, then the entries after it', () => {
    const { c, at } = behindCompaction(10);
    c.tickAll(3);
    expect(c.count(snapTo('c'))).to.equal(1);
    const cc = c.core('c');
    expect(cc.snapshotMetadata().index).to.equal(at);
    expect(cc.logEntries().every((e) => e.index > at)).to.equal(true);
    expect(cc.lastIndex).to.equal(c.core('a').lastIndex);
    expect(c.node('c').storage.snapshot?.metadata.index).to.equal(at);
    expect(c.node('c').commands).to.deep.equal(c.node('a').commands);
    c.propose('a', 'after');
    expect(c.node('c').commands.at(-1)).to.equal('after');
    expect(stateOf(c, 'a', 'c')).to.equal('replicate');
  });

  it('a snapshot older than the follower commit index is ignored', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'] });
    c.electLeader('a');
    for (let i = 0; i < 5; i++) c.propose('a', `v${i}`);
    const b = c.core('b');
    const commit = b.commit;
    c.clearQueue();
    const stale = { metadata: { index: 2, term: 1, confState: { voters: ['a', 'b', 'c'], learners: [] } }, data: new Uint8Array() };
    b.step({ type: 'snap', from: 'a', to: 'b', term: b.term, snapshot: stale });
    expect(b.snapshotMetadata().index).to.equal(0);
    expect(b.commit).to.equal(commit);
    expect(b.logEntries()).to.have.length(commit);
    const [resp] = c.take((m) => m.type === 'appResp');
    expect(resp).to.deep.include({ reject: false, index: commit });
    expect(c.pending((m) => m.from === 'b' && m.to === 'b')).to.deep.equal([]);
  });

  it('a snapshot of entries the follower already holds only advances its commit index', () => {
    const b = new RaftCore(
      { id: 'b', electionTick: 10, heartbeatTick: 1, random: () => 0 },
      { hardState: { term: 1, vote: '', commit: 2 }, entries: entries([1, 1, 1, 1, 1]), confState: { voters: ['a', 'b', 'c'], learners: [] } },
    );
    const snapshot = { metadata: { index: 4, term: 1, confState: { voters: ['a', 'b', 'c'], learners: [] } }, data: new Uint8Array() };
    b.step({ type: 'snap', from: 'a', to: 'b', term: 1, snapshot });
    expect(b.commit).to.equal(4);
    expect(b.snapshotMetadata().index).to.equal(0);
    expect(b.lastIndex).to.equal(5);
    expect(b.ready().snapshot).to.equal(undefined);
  });

  it('reportSnapshot(false) returns the follower to probe, and the snapshot is sent again', () => {
    const { c, at } = behindCompaction(5);
    c.reportSnapshots = false;
    c.tick('a');
    c.deliverAll((m) => m.type !== 'snap');
    expect(stateOf(c, 'a', 'c')).to.equal('snapshot');
    c.tickAll(3);
    expect(stateOf(c, 'a', 'c'), 'nothing more is sent in snapshot state').to.equal('snapshot');
    c.core('a').reportSnapshot('c', false);
    expect(stateOf(c, 'a', 'c')).to.equal('probe');
    c.tickAll(2);
    expect(c.count(snapTo('c'), c.sent)).to.equal(2);
    expect(c.core('c').snapshotMetadata().index).to.equal(at);
    expect(stateOf(c, 'a', 'c')).to.equal('replicate');
  });

  it("reportSnapshot(true) waits in probe for the follower's answer, which resumes replication", () => {
    const { c, at } = behindCompaction(5);
    c.reportSnapshots = false;
    c.tick('a');
    // c's answer to the snapshot is held back (its rejections, which lead to the snapshot, are not).
    c.deliverMatching((m) => !(m.type === 'appResp' && m.from === 'c' && !m.reject));
    expect(c.core('c').snapshotMetadata().index).to.equal(at);
    expect(stateOf(c, 'a', 'c')).to.equal('snapshot');
    c.core('a').reportSnapshot('c', true);
    expect(stateOf(c, 'a', 'c')).to.equal('probe');
    expect(c.core('a').status().progress.get('c')!.next).to.equal(at + 1);
    c.deliverAll();
    expect(stateOf(c, 'a', 'c')).to.equal('replicate');
  });

  it('a restarted node comes back from its snapshot and log with the same term, vote, commit and state', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'] });
    c.electLeader('a');
    for (let i = 0; i < 6; i++) c.propose('a', `v${i}`);
    c.compact('b');
    c.propose('a', 'tail');
    const before = c.core('b').hardState();
    const commands = c.node('b').commands;
    c.crash('b');
    const b = c.restart('b');
    expect(b.hardState()).to.deep.equal(before);
    expect(b.snapshotMetadata().index).to.equal(7);
    expect(b.lastIndex).to.equal(c.core('a').lastIndex);
    expect(c.node('b').commands).to.deep.equal(commands);
    c.propose('a', 'more');
    expect(c.node('b').commands.at(-1)).to.equal('more');
  });

  it('a follower restarted after installing a leader snapshot keeps it', () => {
    const { c, at } = behindCompaction(5);
    c.tickAll(3);
    c.crash('c');
    const cc = c.restart('c');
    expect(cc.snapshotMetadata().index).to.equal(at);
    expect(cc.lastIndex).to.equal(c.core('a').lastIndex);
    expect(c.node('c').commands).to.deep.equal(c.node('a').commands);
  });

  describe('membership in snapshots', () => {
    it('a node added after compaction catches up from a snapshot taken before it was added', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c'], bootstrap: true });
      c.electLeader('a');
      for (let i = 0; i < 3; i++) c.propose('a', `v${i}`);
      c.compact('a');
      c.addNode('d');
      c.core('a').proposeConfChange({ type: 'addLearner', nodeId: 'd' });
      c.tickAll(3);
      expect(c.count(snapTo('d'))).to.equal(1);
      expect(c.core('d').confState()).to.deep.equal({ voters: ['a', 'b', 'c'], learners: ['d'] });
      expect(c.node('d').commands).to.deep.equal(['v0', 'v1', 'v2']);
    });

    it('a removed node added back under the same id installs a snapshot that predates its return', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c'], bootstrap: true });
      const a = c.electLeader('a');
      // c misses its own removal, so by its own log it is still a voter.
      c.isolate('c');
      a.proposeConfChange({ type: 'removeNode', nodeId: 'c' });
      c.deliverAll();
      c.propose('a', 'x');
      const snap = c.compact('a');
      expect(snap.metadata.confState.voters).to.deep.equal(['a', 'b']);
      a.proposeConfChange({ type: 'addLearner', nodeId: 'c' });
      c.deliverAll();
      expect(c.core('c').confState().voters).to.include('c');
      c.heal();
      c.tickAll(5);
      expect(c.count(snapTo('c'))).to.equal(1);
      expect(c.core('c').confState()).to.deep.equal({ voters: ['a', 'b'], learners: ['c'] });
      expect(c.node('c').commands).to.deep.equal(['x']);
    });

    it('a snapshot taken below the applied index carries the membership as of its index', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c'], bootstrap: true });
      const a = c.electLeader('a');
      c.propose('a', 'x');
      const beforeChange = a.lastIndex;
      c.addNode('d');
      a.proposeConfChange({ type: 'addLearner', nodeId: 'd' });
      c.tickAll(2);
      c.propose('a', 'y');
      const early = c.compact('a', beforeChange);
      expect(early.metadata.confState).to.deep.equal({ voters: ['a', 'b', 'c'], learners: [] });
      const late = c.compact('a');
      expect(late.metadata.index).to.equal(a.lastIndex);
      expect(late.metadata.confState).to.deep.equal({ voters: ['a', 'b', 'c'], learners: ['d'] });
    });
  });
});
