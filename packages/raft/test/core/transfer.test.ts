import { expect } from 'chai';
import { StateRole, type Message } from '../../src/core/index.js';
import { Cluster, enc, expectRaftError } from './harness.js';

const timeoutNowTo = (id: string) => (m: Message) => m.type === 'timeoutNow' && m.to === id;

describe('leadership transfer (§3.10)', () => {
  it('to an up-to-date follower: TimeoutNow at once, and it wins the next term', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'] });
    const a = c.electLeader('a');
    c.propose('a', 'x');
    a.transferLeadership('b');
    expect(c.pending(timeoutNowTo('b'))).to.have.length(1);
    c.deliverAll();
    const b = c.core('b');
    expect(b.role).to.equal(StateRole.Leader);
    expect(b.term).to.equal(2);
    expect(a.role).to.equal(StateRole.Follower);
    expect(a.lead).to.equal('b');
    // The transfer skips PreVote and overrides the leader lease of c.
    expect(c.count((m) => m.type === 'preVote' && m.from === 'b')).to.equal(0);
    c.propose('b', 'y');
    expect(c.node('a').commands).to.deep.equal(['x', 'y']);
  });

  it('to a lagging follower: the leader catches it up first, then sends TimeoutNow', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'] });
    const a = c.electLeader('a');
    c.isolate('c');
    for (let i = 0; i < 5; i++) c.propose('a', `v${i}`);
    c.heal();
    const last = a.lastIndex;
    const mark = c.delivered.length;
    a.transferLeadership('c');
    expect(c.pending(timeoutNowTo('c'))).to.deep.equal([]);
    c.deliverAll();
    const log = c.delivered.slice(mark);
    const caughtUp = log.findIndex((m) => m.type === 'appResp' && m.from === 'c' && !m.reject && m.index === last);
    const told = log.findIndex(timeoutNowTo('c'));
    expect(caughtUp).to.be.at.least(0);
    expect(told).to.be.greaterThan(caughtUp);
    expect(c.core('c').role).to.equal(StateRole.Leader);
    expect(c.node('c').commands).to.deep.equal(['v0', 'v1', 'v2', 'v3', 'v4']);
  });

  it('refuses proposals while a transfer is under way, forwarded ones included', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'] });
    const a = c.electLeader('a');
    c.isolate('b');
    a.transferLeadership('b');
    const last = a.lastIndex;
    expectRaftError(() => a.propose(enc('x')), 'ProposalDropped');
    c.core('c').propose(enc('via-c'));
    c.deliverAll();
    expect(a.lastIndex).to.equal(last);
  });

  it('ignores a transfer to a learner, a non-member or the leader itself', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'], learners: ['l'] });
    const a = c.electLeader('a');
    for (const target of ['l', 'zz', 'a']) {
      a.transferLeadership(target);
      expect(a.status().leadTransferee, target).to.equal('');
    }
    c.deliverAll();
    expect(c.count((m) => m.type === 'timeoutNow')).to.equal(0);
    expect(c.leaders()).to.deep.equal(['a']);
  });

  it('abandons a transfer that does not finish within an election timeout', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'] });
    const a = c.electLeader('a');
    c.isolate('b');
    a.transferLeadership('b');
    c.tickAll(9);
    expect(a.status().leadTransferee).to.equal('b');
    c.tickAll(1);
    expect(a.status().leadTransferee).to.equal('');
    expect(a.role).to.equal(StateRole.Leader);
    c.propose('a', 'accepted again');
    expect(c.node('c').commands).to.deep.equal(['accepted again']);
  });

  it('a follower forwards a transfer request to the leader', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'] });
    c.electLeader('a');
    c.core('c').transferLeadership('c');
    expect(c.pending((m) => m.type === 'transferLeader')).to.have.length(1);
    c.deliverAll();
    expect(c.leaders()).to.deep.equal(['c']);
    expectRaftError(() => new Cluster({ voters: ['a', 'b', 'c'] }).core('b').transferLeadership('b'), 'NoLeader');
  });

  it('a new target replaces a pending transfer', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'] });
    const a = c.electLeader('a');
    c.isolate('b');
    a.transferLeadership('b');
    a.transferLeadership('c');
    expect(a.status().leadTransferee).to.equal('c');
    c.deliverAll();
    expect(c.leaders()).to.deep.equal(['c']);
  });
});
