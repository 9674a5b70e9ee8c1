import { expect } from 'chai';
import { RaftCore, StateRole, type Message, type MsgHeartbeat } from '../../src/core/index.js';
import { Cluster, enc, expectRaftError } from './harness.js';

const roundOf = (ctx: string) => (m: Message): m is MsgHeartbeat => m.type === 'heartbeat' && m.context === ctx;
const notRound = (ctx: string) => (m: Message) => !(m.type === 'heartbeat' && m.context === ctx);

describe('linearizable reads: ReadIndex (§6.4)', () => {
  it('the leader answers only after a quorum acknowledges a heartbeat, with the commit index of the request', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'] });
    const a = c.electLeader('a');
    c.propose('a', 'x');
    const atRequest = a.commit;
    a.readIndex('r1');
    expect(c.pending(roundOf('r1')).map((m) => m.to).sort()).to.deep.equal(['b', 'c']);
    // A write commits before the round is acknowledged: the read keeps its index.
    a.propose(enc('y'));
    c.deliverAll(notRound('r1'));
    expect(a.commit).to.be.greaterThan(atRequest);
    expect(c.node('a').readStates, 'no answer before the round').to.deep.equal([]);
    // The next heartbeat carries the pending round; b's ack makes a quorum with a.
    c.cutLink('a', 'c');
    c.tick('a');
    c.deliverAll();
    expect(c.node('a').readStates).to.deep.equal([{ index: atRequest, context: 'r1' }]);
  });

  it('one heartbeat round answers every read queued before it', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'] });
    const a = c.electLeader('a');
    for (const ctx of ['r1', 'r2', 'r3']) a.readIndex(ctx);
    // Only the round of the last read gets through.
    c.deliverAll((m) => notRound('r1')(m) && notRound('r2')(m));
    expect(c.node('a').readStates.map((r) => r.context)).to.deep.equal(['r1', 'r2', 'r3']);
    expect(new Set(c.node('a').readStates.map((r) => r.index))).to.deep.equal(new Set([a.commit]));
  });

  it('a read waits while a new leader has not committed an entry of its term', () => {
    // a holds entries of term 1 that an earlier leader committed, but a's commit index is 0.
    const c = new Cluster({
      voters: ['a', 'b', 'c'],
      logs: { a: { terms: [1, 1], term: 1 }, b: { terms: [1, 1], term: 1, commit: 2 }, c: { terms: [1, 1], term: 1, commit: 2 } },
    });
    c.core('a').campaign();
    c.deliverAll((m) => m.type !== 'app');
    const a = c.core('a');
    expect(a.role).to.equal(StateRole.Leader);
    expect(a.commit).to.equal(0);
    a.readIndex('early');
    expect(c.pending(roundOf('early'))).to.deep.equal([]);
    c.tickAll(2);
    expect(c.node('a').readStates).to.deep.equal([{ index: 3, context: 'early' }]);
  });

  it("a follower's read is forwarded to the leader and answered with a readIndexResp", () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'] });
    const a = c.electLeader('a');
    c.propose('a', 'x');
    c.core('b').readIndex('rb');
    expect(c.pending((m) => m.type === 'readIndex')).to.deep.include.members([{ type: 'readIndex', from: 'b', to: 'a', term: 0, context: 'rb' }]);
    c.deliverAll();
    expect(c.delivered.filter((m) => m.type === 'readIndexResp').map((m) => m.to)).to.deep.equal(['b']);
    expect(c.node('b').readStates).to.deep.equal([{ index: a.commit, context: 'rb' }]);
    expect(c.node('a').readStates).to.deep.equal([]);
  });

  it('a node that knows no leader throws NoLeader', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'] });
    expectRaftError(() => c.core('b').readIndex('r'), 'NoLeader');
  });

  it('a single voter answers at once', () => {
    const c = new Cluster({ voters: ['a'] });
    const a = c.electLeader('a');
    a.readIndex('solo');
    c.flush();
    expect(c.node('a').readStates).to.deep.equal([{ index: a.commit, context: 'solo' }]);
  });

  it("learners' acknowledgements do not make a quorum", () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'], learners: ['l'] });
    const a = c.electLeader('a');
    c.isolate('b');
    c.isolate('c');
    a.readIndex('r');
    c.tickAll(3);
    expect(c.delivered.some((m) => m.type === 'heartbeatResp' && m.from === 'l' && m.context === 'r')).to.equal(true);
    expect(c.node('a').readStates).to.deep.equal([]);
    c.heal();
    c.tickAll(1);
    expect(c.node('a').readStates.map((r) => r.context)).to.deep.equal(['r']);
  });

  it('a leader partitioned from the majority never answers a safe read', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'] });
    c.electLeader('a');
    c.isolate('a');
    c.core('a').readIndex('stale?');
    c.tickAll(30);
    const [lead] = c.leaders().filter((id) => id !== 'a');
    expect(lead).to.be.oneOf(['b', 'c']);
    c.propose(lead, 'newer');
    c.heal();
    c.tickAll(5);
    expect(c.node('a').readStates).to.deep.equal([]);
    expect(c.node('a').commands).to.deep.equal(['newer']);
  });

  describe('leaseBased', () => {
    it('answers at once, without a heartbeat round', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c'], config: { readOnlyOption: 'leaseBased' } });
      const a = c.electLeader('a');
      c.propose('a', 'x');
      a.readIndex('fast');
      c.flush();
      expect(c.node('a').readStates).to.deep.equal([{ index: a.commit, context: 'fast' }]);
      expect(c.pending((m) => m.type === 'heartbeat')).to.deep.equal([]);
      c.core('b').readIndex('fast-b');
      c.deliverAll();
      expect(c.node('b').readStates).to.deep.equal([{ index: a.commit, context: 'fast-b' }]);
      expect(c.count((m) => m.type === 'heartbeat')).to.equal(0);
    });

    it('requires CheckQuorum: the constructor throws without it', () => {
      const make = (checkQuorum: boolean) =>
        new RaftCore(
          { id: 'a', electionTick: 10, heartbeatTick: 1, random: () => 0, readOnlyOption: 'leaseBased', checkQuorum },
          { hardState: { term: 0, vote: '', commit: 0 }, entries: [], confState: { voters: ['a'], learners: [] } },
        );
      expect(() => make(false)).to.throw(/checkQuorum/);
      expect(() => make(true)).to.not.throw();
    });
  });
});
