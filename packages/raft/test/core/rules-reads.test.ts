import { expect } from 'chai';
import { RaftCore, StateRole } from '../../src/core/index.js';
import { TestCluster } from './fixture-cluster.js';

describe('Raft core: linearizable reads (ReadIndex)', () => {
  it('the leader answers only after a quorum acknowledges a heartbeat, with the commit index of the request', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.elect('a');
    c.propose('a', 'x');
    const a = c.core('a');
    const commitAtRequest = a.commit;
    a.readIndex('r1');
    c.flush();
    expect(c.node('a').readStates, 'no answer before the heartbeat round').to.deep.equal([]);
    // A later write must not raise the index the read was promised.
    c.deliverAll();
    expect(c.node('a').readStates).to.deep.equal([{ index: commitAtRequest, context: 'r1' }]);
  });

  it('batches: one heartbeat round answers every read queued before it', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.elect('a');
    c.outbox = [];
    const a = c.core('a');
    a.readIndex('r1');
    a.readIndex('r2');
    a.readIndex('r3');
    c.deliverAll();
    expect(c.node('a').readStates.map((r) => r.context)).to.deep.equal(['r1', 'r2', 'r3']);
    const rounds = c.delivered.filter((m) => m.type === 'heartbeat' && m.context !== '');
    expect(rounds.length).to.equal(2 * 3, 'one heartbeat per follower per read at most');
  });

  it('a new leader holds reads until it has committed an entry of its own term', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.core('a').campaign();
    // Deliver the votes, but not the appends of the no-op.
    c.deliverAll((m) => m.type !== 'app');
    const a = c.core('a');
    expect(a.role).to.equal(StateRole.Leader);
    a.readIndex('early');
    c.deliverAll((m) => m.type !== 'app');
    expect(c.node('a').readStates).to.deep.equal([]);
    c.tickAll(2);
    expect(c.node('a').readStates.map((r) => r.context)).to.deep.equal(['early']);
    expect(c.node('a').readStates[0].index).to.be.at.least(a.commit - 0);
  });

  it("a follower's read is forwarded and answered with the leader's index", () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.elect('a');
    c.propose('a', 'x');
    c.core('b').readIndex('from-b');
    c.deliverAll();
    expect(c.node('b').readStates).to.deep.equal([{ index: c.core('a').commit, context: 'from-b' }]);
  });

  it('a leader cut off from the majority cannot answer a read', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.elect('a');
    c.isolate('a');
    c.core('a').readIndex('stale?');
    c.tickAll(5);
    expect(c.node('a').readStates).to.deep.equal([]);
  });

  it('lease-based reads answer at once and need CheckQuorum', () => {
    const c = new TestCluster(['a', 'b', 'c'], { readOnlyOption: 'leaseBased' });
    c.elect('a');
    c.outbox = [];
    c.core('a').readIndex('fast');
    c.flush();
    expect(c.node('a').readStates.map((r) => r.context)).to.deep.equal(['fast']);
    expect(
      () => new RaftCore({ id: 'x', electionTick: 10, heartbeatTick: 1, random: () => 0, readOnlyOption: 'leaseBased', checkQuorum: false }, { hardState: { term: 0, vote: '', commit: 0 }, entries: [] }),
    ).to.throw(/checkQuorum/);
  });
});
