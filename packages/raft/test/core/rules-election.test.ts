import { expect } from 'chai';
import { EntryType, RaftCore, RaftError, StateRole, type MsgVote } from '../../src/core/index.js';
import { TestCluster } from './fixture-cluster.js';

describe('Raft core: elections', () => {
  it('a follower campaigns after a randomized timeout in [electionTick, 2*electionTick)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const c = new TestCluster(['a', 'b', 'c'], { preVote: false }, seed);
      const a = c.core('a');
      let ticks = 0;
      while (a.role === StateRole.Follower && ticks < 100) {
        a.tick();
        ticks++;
      }
      expect(a.role).to.equal(StateRole.Candidate);
      expect(ticks).to.be.within(10, 19);
    }
  });

  it('a candidate with a majority becomes leader and appends a no-op of its term', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    const a = c.elect('a');
    expect(a.term).to.equal(1);
    const last = a.logEntries().at(-1)!;
    expect(last).to.deep.include({ term: 1, type: EntryType.Normal });
    expect(last.data.length).to.equal(0);
    expect(c.core('b').lead).to.equal('a');
  });

  it('grants one vote per term', () => {
    const c = new TestCluster(['a', 'b', 'c'], { preVote: false });
    const b = c.core('b');
    const vote = (from: string): MsgVote => ({ type: 'vote', from, to: 'b', term: 5, index: 0, logTerm: 0, transfer: false });
    b.step(vote('a'));
    b.step(vote('c'));
    const answers = c.take((m) => m.type === 'voteResp');
    expect(answers.map((m) => [m.to, m.type === 'voteResp' && m.reject])).to.deep.equal([
      ['a', false],
      ['c', true],
    ]);
    expect(b.hardState()).to.deep.include({ term: 5, vote: 'a' });
  });

  it('refuses a vote to a candidate whose log is less up to date (§5.4.1)', () => {
    const c = new TestCluster(['a', 'b', 'c'], { preVote: false, checkQuorum: false });
    c.elect('a');
    c.propose('a', 'x');
    // c missed nothing, but a fresh node "d"-like candidate with an empty log asks b.
    const b = c.core('b');
    b.step({ type: 'vote', from: 'c', to: 'b', term: 9, index: 1, logTerm: 1, transfer: false });
    const [answer] = c.take((m) => m.type === 'voteResp');
    expect(answer.type === 'voteResp' && answer.reject).to.equal(true);
  });

  it('a candidate steps down when it hears from a leader of its term or a higher one', () => {
    const c = new TestCluster(['a', 'b', 'c'], { preVote: false });
    const b = c.core('b');
    b.campaign();
    expect(b.role).to.equal(StateRole.Candidate);
    b.step({ type: 'heartbeat', from: 'a', to: 'b', term: b.term, commit: 0, context: '' });
    expect(b.role).to.equal(StateRole.Follower);
    expect(b.lead).to.equal('a');
  });

  it('split votes resolve: some node wins eventually', () => {
    const c = new TestCluster(['a', 'b', 'c', 'd', 'e'], {}, 7);
    c.tickAll(200);
    const leaders = [...c.nodes.values()].filter((n) => n.core.role === StateRole.Leader);
    expect(leaders).to.have.length(1);
  });

  it('PreVote: a partitioned node that rejoins does not raise the term or depose the leader', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.elect('a');
    const term = c.core('a').term;
    c.isolate('c');
    c.tickAll(100);
    expect(c.core('c').term, 'a pre-candidate never bumps its term').to.equal(term);
    c.heal();
    c.tickAll(30);
    expect(c.core('a').role).to.equal(StateRole.Leader);
    expect(c.core('a').term).to.equal(term);
    expect(c.core('c').lead).to.equal('a');
  });

  it('CheckQuorum: a leader cut off from the majority steps down within an election timeout', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.elect('a');
    c.isolate('a');
    c.tickAll(25);
    expect(c.core('a').role).to.not.equal(StateRole.Leader);
    expect(() => c.core('a').propose(new Uint8Array([1]))).to.throw(RaftError, /no leader/);
  });

  it('a node that heard from the leader recently ignores a disruptive vote request (leader lease)', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.elect('a');
    const b = c.core('b');
    const term = b.term;
    b.step({ type: 'vote', from: 'c', to: 'b', term: term + 5, index: 99, logTerm: 99, transfer: false });
    expect(b.term).to.equal(term);
    expect(b.lead).to.equal('a');
    // ...unless leadership is being handed over.
    b.step({ type: 'vote', from: 'c', to: 'b', term: term + 5, index: 99, logTerm: 99, transfer: true });
    expect(b.term).to.equal(term + 5);
  });

  it('a restarted node keeps its term and vote, and does not vote twice in a term', () => {
    const c = new TestCluster(['a', 'b', 'c'], { preVote: false });
    const b = c.node('b');
    b.core.step({ type: 'vote', from: 'a', to: 'b', term: 3, index: 0, logTerm: 0, transfer: false });
    c.flush();
    b.restart();
    expect(b.core.hardState()).to.deep.include({ term: 3, vote: 'a' });
    b.core.step({ type: 'vote', from: 'c', to: 'b', term: 3, index: 0, logTerm: 0, transfer: false });
    const answers = c.take((m) => m.type === 'voteResp' && m.to === 'c');
    expect(answers.map((m) => m.type === 'voteResp' && m.reject)).to.deep.equal([true]);
  });

  it('rejects a configuration whose election timeout is not above the heartbeat', () => {
    expect(() => new RaftCore({ id: 'a', electionTick: 1, heartbeatTick: 1, random: () => 0 }, { hardState: { term: 0, vote: '', commit: 0 }, entries: [] })).to.throw(/electionTick/);
  });
});
