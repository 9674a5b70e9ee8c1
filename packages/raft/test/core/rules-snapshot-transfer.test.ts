import { expect } from 'chai';
import { RaftError, StateRole } from '../../src/core/index.js';
import { TestCluster, enc } from './fixture-cluster.js';

describe('Raft core: snapshots', () => {
  function compactLeader(c: TestCluster, id: string): number {
    const core = c.core(id);
    const at = core.applied;
    const snap = core.compact(at, enc(JSON.stringify(c.node(id).applied)));
    c.node(id).snapshot = snap;
    c.node(id).stored = c.node(id).stored.filter((e) => e.index > at);
    return at;
  }

  it('compaction drops the prefix; a follower that needs it gets the snapshot and catches up', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.elect('a');
    c.isolate('c');
    for (let i = 0; i < 20; i++) c.propose('a', `v${i}`);
    const at = compactLeader(c, 'a');
    expect(c.core('a').logEntries()[0]?.index ?? at + 1).to.equal(at + 1);
    c.heal();
    c.tickAll(5);
    const snaps = c.delivered.filter((m) => m.type === 'snap' && m.to === 'c');
    expect(snaps).to.have.length(1);
    expect(c.core('c').snapshotMetadata().index).to.equal(at);
    expect(c.node('c').applied).to.deep.equal(c.node('a').applied);
    c.propose('a', 'after');
    expect(c.node('c').applied.at(-1)).to.equal('after');
  });

  it('ignores a snapshot older than what the follower has committed', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.elect('a');
    for (let i = 0; i < 5; i++) c.propose('a', `v${i}`);
    const b = c.core('b');
    const commit = b.commit;
    b.step({ type: 'snap', from: 'a', to: 'b', term: b.term, snapshot: { metadata: { index: 2, term: 1, confState: { voters: ['a', 'b', 'c'], learners: [] } }, data: enc('[]') } });
    expect(b.commit).to.equal(commit);
    expect(b.snapshotMetadata().index).to.equal(0);
  });

  it('a failed snapshot send returns the follower to probing', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.elect('a');
    c.isolate('c');
    for (let i = 0; i < 5; i++) c.propose('a', `v${i}`);
    compactLeader(c, 'a');
    c.heal();
    c.core('a').tick();
    c.deliverAll((m) => m.type !== 'snap');
    expect(c.core('a').status().progress.get('c')!.state).to.equal('snapshot');
    c.core('a').reportSnapshot('c', false);
    expect(c.core('a').status().progress.get('c')!.state).to.equal('probe');
  });

  it('a restarted node comes back from its snapshot and log with term, vote and commit', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.elect('a');
    for (let i = 0; i < 6; i++) c.propose('a', `v${i}`);
    compactLeader(c, 'a');
    c.propose('a', 'tail');
    const before = c.core('a').hardState();
    c.node('a').restart();
    const a = c.core('a');
    expect(a.hardState().term).to.equal(before.term);
    expect(a.hardState().vote).to.equal(before.vote);
    expect(a.lastIndex).to.equal(c.core('b').lastIndex);
    c.flush();
    expect(c.node('a').applied.at(-1)).to.equal('tail');
  });
});

describe('Raft core: leadership transfer', () => {
  it('to an up-to-date follower: it gets TimeoutNow and wins a higher term at once', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    const a = c.elect('a');
    c.propose('a', 'x');
    a.transferLeadership('b');
    c.deliverAll();
    expect(c.delivered.some((m) => m.type === 'timeoutNow' && m.to === 'b')).to.equal(true);
    expect(c.core('b').role).to.equal(StateRole.Leader);
    expect(c.core('b').term).to.equal(a.term);
    expect(a.role).to.equal(StateRole.Follower);
  });

  it('to a lagging follower: the leader catches it up first', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    const a = c.elect('a');
    c.isolate('c');
    for (let i = 0; i < 5; i++) c.propose('a', `v${i}`);
    c.heal();
    a.transferLeadership('c');
    c.deliverAll();
    expect(c.core('c').role).to.equal(StateRole.Leader);
    expect(c.node('c').applied).to.include('v4');
  });

  it('refuses proposals while a transfer is under way', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    const a = c.elect('a');
    c.isolate('b');
    a.transferLeadership('b');
    expect(() => a.propose(enc('x'))).to.throw(RaftError).with.property('code', 'ProposalDropped');
  });

  it('abandons a transfer that does not finish within an election timeout', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    const a = c.elect('a');
    c.isolate('b');
    a.transferLeadership('b');
    c.tickAll(12);
    expect(a.role).to.equal(StateRole.Leader);
    expect(a.status().leadTransferee).to.equal('');
    c.propose('a', 'accepted again');
    expect(c.node('a').applied).to.include('accepted again');
  });

  it('ignores a transfer to a learner', () => {
    const c = new TestCluster(['a', 'b', 'c'], {}, 1, ['l']);
    const a = c.elect('a');
    a.transferLeadership('l');
    expect(a.status().leadTransferee).to.equal('');
  });
});
