import { expect } from 'chai';
import { EntryType, RaftCore, StateRole, type Message, type MsgVote, type RaftConfig } from '../../src/core/index.js';
import { Cluster, entries, expectRaftError, enc } from './harness.js';

/** A lone core of a three-voter membership, for timing and vote-rule tests. */
function solo(config: Partial<RaftConfig>, terms: readonly number[] = [], term = 0): RaftCore {
  return new RaftCore(
    { id: 'b', electionTick: 10, heartbeatTick: 1, random: () => 0.5, ...config },
    { hardState: { term, vote: '', commit: 0 }, entries: entries(terms), confState: { voters: ['a', 'b', 'c'], learners: [] } },
  );
}

function drain(core: RaftCore): Message[] {
  const out: Message[] = [];
  while (core.hasReady()) {
    const rd = core.ready();
    out.push(...rd.messages);
    core.advance(rd);
  }
  return out;
}

const vote = (from: string, term: number, index = 0, logTerm = 0, transfer = false): MsgVote => ({
  type: 'vote',
  from,
  to: 'b',
  term,
  index,
  logTerm,
  transfer,
});

const granted = (msgs: readonly Message[]) => msgs.filter((m) => m.type === 'voteResp' && !m.reject).map((m) => m.to);
const rejected = (msgs: readonly Message[]) => msgs.filter((m) => m.type === 'voteResp' && m.reject).map((m) => m.to);

describe('election (§5.2)', () => {
  describe('timeouts', () => {
    function ticksToCampaign(core: RaftCore): number {
      for (let t = 1; t <= 100; t++) {
        core.tick();
        if (core.role !== StateRole.Follower) return t;
      }
      return Infinity;
    }

    it('a follower campaigns after exactly electionTick + floor(random * electionTick) ticks', () => {
      expect(ticksToCampaign(solo({ random: () => 0 }))).to.equal(10);
      expect(ticksToCampaign(solo({ random: () => 0.5 }))).to.equal(15);
      expect(ticksToCampaign(solo({ random: () => 0.9999 }))).to.equal(19);
    });

    it('the timeout is drawn from [electionTick, 2*electionTick) and differs between nodes', () => {
      const seen = new Set<number>();
      for (let seed = 1; seed <= 40; seed++) {
        const c = new Cluster({ voters: ['a', 'b', 'c'], seed });
        const t = ticksToCampaign(c.core('a'));
        expect(t).to.be.within(10, 19);
        seen.add(t);
      }
      expect(seen.size, 'timeouts are randomized').to.be.greaterThan(3);
    });

    it('without PreVote the campaign increments the term and votes for itself', () => {
      const b = solo({ preVote: false, random: () => 0 }, [], 4);
      for (let i = 0; i < 10; i++) b.tick();
      expect(b.role).to.equal(StateRole.Candidate);
      expect(b.hardState()).to.deep.include({ term: 5, vote: 'b' });
      const reqs = drain(b).filter((m) => m.type === 'vote');
      expect(reqs.map((m) => m.to).sort()).to.deep.equal(['a', 'c']);
      expect(reqs.every((m) => m.term === 5)).to.equal(true);
    });

    it('refuses a configuration whose election timeout is not above the heartbeat interval', () => {
      expect(() => solo({ electionTick: 1, heartbeatTick: 1 })).to.throw(/electionTick/);
      expect(() => solo({ electionTick: 10, heartbeatTick: 0 })).to.throw(/electionTick/);
    });

    it('hearing from the leader resets the election timer', () => {
      const b = solo({ random: () => 0 }, [], 1);
      for (let round = 0; round < 5; round++) {
        for (let i = 0; i < 9; i++) b.tick();
        b.step({ type: 'heartbeat', from: 'a', to: 'b', term: 1, commit: 0, context: '' });
      }
      expect(b.role).to.equal(StateRole.Follower);
      expect(b.lead).to.equal('a');
    });
  });

  describe('votes', () => {
    it('grants at most one vote per term, and repeats it to the same candidate', () => {
      const b = solo({ preVote: false });
      b.step(vote('a', 5));
      b.step(vote('c', 5));
      b.step(vote('a', 5));
      const out = drain(b);
      expect(granted(out)).to.deep.equal(['a', 'a']);
      expect(rejected(out)).to.deep.equal(['c']);
      expect(b.hardState()).to.deep.include({ term: 5, vote: 'a' });
    });

    it('a vote in a new term is free again', () => {
      const b = solo({ preVote: false });
      b.step(vote('a', 5));
      b.step(vote('c', 6));
      expect(granted(drain(b))).to.deep.equal(['a', 'c']);
      expect(b.hardState()).to.deep.include({ term: 6, vote: 'c' });
    });

    // The voter's log is [1, 1, 2]: last index 3, last term 2.
    const upToDate: [string, number, number, boolean][] = [
      ['a longer log of a lower last term', 5, 1, false],
      ['a shorter log of the same last term', 2, 2, false],
      ['the same last index and term', 3, 2, true],
      ['a longer log of the same last term', 4, 2, true],
      ['a shorter log of a higher last term', 1, 3, true],
    ];
    for (const [what, index, logTerm, grant] of upToDate) {
      it(`§5.4.1: ${grant ? 'grants' : 'refuses'} a candidate with ${what}`, () => {
        const b = solo({ preVote: false }, [1, 1, 2], 2);
        b.step(vote('c', 3, index, logTerm));
        const out = drain(b);
        expect(granted(out)).to.deep.equal(grant ? ['c'] : []);
        expect(rejected(out)).to.deep.equal(grant ? [] : ['c']);
        // The term is adopted either way: the request proves a newer term exists.
        expect(b.term).to.equal(3);
      });
    }

    it('a candidate with a stale log loses; one with the latest entries wins', () => {
      const c = new Cluster({
        voters: ['a', 'b', 'c'],
        config: { preVote: false },
        logs: { a: { terms: [1, 2], term: 2 }, b: { terms: [1, 2], term: 2 }, c: { terms: [1, 1, 1], term: 2 } },
      });
      c.core('c').campaign();
      c.deliverAll();
      expect(c.core('c').role).to.not.equal(StateRole.Leader);
      c.electLeader('a');
      expect(c.core('c').logEntries().map((e) => e.term)).to.deep.equal([1, 2, 4]);
    });
  });

  describe('candidates', () => {
    it('wins with a majority of the voters, even with a minority unreachable', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c', 'd', 'e'] });
      c.isolate('d');
      c.isolate('e');
      const a = c.electLeader('a');
      expect(a.term).to.equal(1);
      for (const id of ['b', 'c']) expect(c.core(id).lead).to.equal('a');
    });

    it('does not win without a majority', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c', 'd', 'e'], config: { preVote: false } });
      for (const id of ['c', 'd', 'e']) c.isolate(id);
      c.core('a').campaign();
      c.deliverAll();
      expect(c.core('a').role).to.equal(StateRole.Candidate);
      expect(c.leaders()).to.deep.equal([]);
    });

    it('returns to follower when a majority refuses', () => {
      const c = new Cluster({
        voters: ['a', 'b', 'c'],
        config: { preVote: false },
        logs: { a: { terms: [1], term: 1 }, b: { terms: [1, 1], term: 1 }, c: { terms: [1, 1], term: 1 } },
      });
      c.core('a').campaign();
      c.deliverAll();
      expect(c.core('a').role).to.equal(StateRole.Follower);
      expect(c.core('a').term).to.equal(2);
    });

    it('steps down on a message of a higher term', () => {
      const b = solo({ preVote: false }, [], 1);
      b.campaign();
      expect(b.role).to.equal(StateRole.Candidate);
      b.step({ type: 'voteResp', from: 'a', to: 'b', term: 7, reject: true });
      expect(b.role).to.equal(StateRole.Follower);
      expect(b.hardState()).to.deep.include({ term: 7, vote: '' });
    });

    it('steps down when a leader of its own term appends', () => {
      const b = solo({ preVote: false }, [], 1);
      b.campaign();
      b.step({ type: 'app', from: 'a', to: 'b', term: b.term, index: 0, logTerm: 0, entries: [], commit: 0 });
      expect(b.role).to.equal(StateRole.Follower);
      expect(b.lead).to.equal('a');
      expect(b.term).to.equal(2);
    });

    it('split votes resolve: randomized timeouts elect one leader in a later term', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c', 'd'], config: { preVote: false }, seed: 3 });
      c.core('a').campaign();
      c.core('b').campaign();
      // a reaches c first, b reaches d first: two votes each, three needed.
      c.deliverAll((m) => !(m.type === 'vote' && ((m.from === 'a' && m.to === 'd') || (m.from === 'b' && m.to === 'c'))));
      expect(c.leaders()).to.deep.equal([]);
      expect([c.core('a').role, c.core('b').role]).to.deep.equal([StateRole.Candidate, StateRole.Candidate]);
      c.tickAll(60);
      expect(c.leaders()).to.have.length(1);
      expect(c.core(c.leaders()[0]).term).to.be.greaterThan(1);
    });

    it('a new leader appends and commits an empty no-op of its term (§5.4.2)', () => {
      const c = new Cluster({
        voters: ['a', 'b', 'c'],
        logs: { a: { terms: [1, 1], term: 1 }, b: { terms: [1, 1], term: 1 }, c: { terms: [1, 1], term: 1 } },
      });
      const a = c.electLeader('a');
      const last = a.logEntries().at(-1)!;
      expect(last).to.deep.include({ index: 3, term: 2, type: EntryType.Normal });
      expect(last.data.byteLength).to.equal(0);
      // Committing the no-op commits the entries of term 1 with it.
      for (const id of ['a', 'b', 'c']) expect(c.core(id).commit).to.equal(3);
      expect(c.node('b').commands).to.deep.equal(['i1t1', 'i2t1']);
    });
  });

  describe('PreVote (§9.6)', () => {
    it('a partitioned node does not raise its term, and on rejoining does not depose the leader', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c'] });
      c.electLeader('a');
      const term = c.core('a').term;
      c.isolate('c');
      c.tickAll(100);
      expect(c.core('c').term).to.equal(term);
      expect(c.count((m) => m.type === 'preVote' && m.from === 'c', c.sent)).to.be.greaterThan(0);
      c.heal();
      c.tickAll(30);
      expect(c.leaders()).to.deep.equal(['a']);
      expect(c.core('a').term).to.equal(term);
      expect(c.core('c').lead).to.equal('a');
      expect(c.core('c').role).to.equal(StateRole.Follower);
    });

    it('without PreVote the same partition deposes the leader (what PreVote prevents)', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c'], config: { preVote: false } });
      c.electLeader('a');
      const term = c.core('a').term;
      c.isolate('c');
      c.tickAll(100);
      expect(c.core('c').term).to.be.greaterThan(term);
      c.heal();
      c.tickAll(1);
      expect(c.core('a').term).to.be.greaterThan(term);
    });

    it('a pre-candidate becomes a candidate only after a majority of pre-votes', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c'] });
      c.core('a').campaign();
      expect(c.core('a').role).to.equal(StateRole.PreCandidate);
      expect(c.core('a').term).to.equal(0);
      const preVotes = c.take((m) => m.type === 'preVote');
      expect(preVotes.map((m) => m.term)).to.deep.equal([1, 1]);
      for (const m of preVotes) c.deliver(m);
      // Granting a pre-vote changes nothing on the voter.
      for (const id of ['b', 'c']) expect(c.core(id).hardState()).to.deep.include({ term: 0, vote: '' });
      c.deliverAll();
      expect(c.core('a').role).to.equal(StateRole.Leader);
      expect(c.core('a').term).to.equal(1);
    });
  });

  describe('CheckQuorum and the leader lease (§6.2, §9.6)', () => {
    it('a leader cut off from the majority steps down within two election timeouts', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c'] });
      c.electLeader('a');
      c.isolate('a');
      c.tickAll(9);
      expect(c.core('a').role, 'still within its first timeout').to.equal(StateRole.Leader);
      c.tickAll(11);
      expect(c.core('a').role).to.equal(StateRole.Follower);
      expectRaftError(() => c.core('a').propose(enc('x')), 'NoLeader');
    });

    it('without CheckQuorum an isolated leader stays leader', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c'], config: { checkQuorum: false } });
      c.electLeader('a');
      c.isolate('a');
      c.tickAll(100);
      expect(c.core('a').role).to.equal(StateRole.Leader);
    });

    it('a leader that hears from a majority stays leader', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c', 'd', 'e'] });
      c.electLeader('a');
      c.isolate('d');
      c.isolate('e');
      c.tickAll(100);
      expect(c.leaders()).to.deep.equal(['a']);
      expect(c.core('a').term).to.equal(1);
    });

    it('a follower that heard from the leader within the timeout ignores a vote request, unless it is a transfer', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c'] });
      c.electLeader('a');
      c.clearQueue();
      const b = c.core('b');
      b.step(vote('c', 5, 99, 99));
      expect(b.term).to.equal(1);
      expect(b.lead).to.equal('a');
      expect(c.pending((m) => m.from === 'b')).to.deep.equal([]);
      b.step(vote('c', 5, 99, 99, true));
      expect(b.hardState()).to.deep.include({ term: 5, vote: 'c' });
    });

    it('once the lease has run out, the follower considers the vote', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c'] });
      c.electLeader('a');
      c.isolate('a');
      c.tick('b', 10);
      const b = c.core('b');
      b.step(vote('c', 5, 99, 99));
      expect(b.hardState()).to.deep.include({ term: 5, vote: 'c' });
    });
  });
});
