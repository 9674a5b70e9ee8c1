import { expect } from 'chai';
import { StateRole, type Message } from '../../src/core/index.js';
import { Cluster } from './harness.js';

const voteFrom = (from: string, term: number): Message => ({
  type: 'vote',
  from,
  to: 'b',
  term,
  index: 0,
  logTerm: 0,
  transfer: false,
});

describe('restart from stable storage', () => {
  it('keeps the term and the vote: a node that voted in term T does not vote for another in T', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'], config: { preVote: false } });
    c.deliver(voteFrom('a', 3));
    c.flush();
    expect(c.node('b').storage.hardState).to.deep.include({ term: 3, vote: 'a' });
    c.crash('b');
    const b = c.restart('b');
    expect(b.hardState()).to.deep.include({ term: 3, vote: 'a' });
    expect(b.role).to.equal(StateRole.Follower);
    c.clearQueue();
    c.deliver(voteFrom('c', 3));
    c.deliver(voteFrom('a', 3));
    const answers = c.take((m) => m.type === 'voteResp');
    expect(answers.map((m) => [m.to, m.type === 'voteResp' && m.reject])).to.deep.equal([
      ['c', true],
      ['a', false],
    ]);
  });

  it('the vote reaches the disk in the same Ready that carries the answer', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'], config: { preVote: false } });
    const b = c.core('b');
    b.step(voteFrom('a', 2));
    const rd = b.ready();
    expect(rd.messages.some((m) => m.type === 'voteResp' && !m.reject)).to.equal(true);
    expect(rd.hardState).to.deep.include({ term: 2, vote: 'a' });
    expect(rd.mustSync).to.equal(true);
    b.advance(rd);
  });

  it('keeps the log and commit index, and applies the committed entries again', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'] });
    c.electLeader('a');
    for (const x of ['x', 'y']) c.propose('a', x);
    const before = c.core('b').hardState();
    const last = c.core('b').lastIndex;
    c.crash('b');
    const b = c.restart('b');
    expect(b.hardState()).to.deep.equal(before);
    expect(b.lastIndex).to.equal(last);
    expect(b.applied).to.equal(b.commit);
    expect(c.node('b').commands).to.deep.equal(['x', 'y']);
  });

  it('a restarted leader rejoins as a follower, and the log carries on', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'] });
    c.electLeader('a');
    c.propose('a', 'x');
    c.crash('a');
    c.tickAll(40);
    const [lead] = c.leaders();
    expect(lead).to.be.oneOf(['b', 'c']);
    c.propose(lead, 'y');
    const a = c.restart('a');
    expect(a.role).to.equal(StateRole.Follower);
    expect(a.term).to.equal(1);
    expect(c.node('a').commands).to.deep.equal(['x']);
    c.tickAll(3);
    expect(a.lead).to.equal(lead);
    expect(c.node('a').commands).to.deep.equal(['x', 'y']);
  });
});
