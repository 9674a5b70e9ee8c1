import { expect } from 'chai';
import { RaftCore, type Message, type MsgAppResp } from '../../src/core/index.js';
import { Cluster, entries } from './harness.js';

const terms = (core: RaftCore) => core.logEntries().map((e) => e.term);
const isRejectionFrom = (id: string) => (m: Message) => m.type === 'appResp' && m.reject && m.from === id;

/** A run of `n` entries of term `t`. */
const run = (t: number, n: number): number[] => Array.from({ length: n }, () => t);

describe('log replication (§5.3)', () => {
  it('commits an entry once a majority stores it, and every node applies it in log order', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c', 'd', 'e'] });
    c.electLeader('a');
    c.isolate('d');
    c.isolate('e');
    for (const x of ['x', 'y', 'z']) c.propose('a', x);
    for (const id of ['a', 'b', 'c']) expect(c.node(id).commands).to.deep.equal(['x', 'y', 'z']);
    expect(c.node('d').commands).to.deep.equal([]);
    c.heal();
    c.tickAll(2);
    for (const id of ['d', 'e']) expect(c.node(id).commands).to.deep.equal(['x', 'y', 'z']);
  });

  it('does not commit while only a minority stores the entry', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c', 'd', 'e'], config: { checkQuorum: false } });
    const a = c.electLeader('a');
    for (const id of ['c', 'd', 'e']) c.isolate(id);
    const commit = a.commit;
    c.propose('a', 'x');
    expect(c.core('b').lastIndex, 'b stores it').to.equal(a.lastIndex);
    expect(a.commit).to.equal(commit);
    expect(c.node('a').commands).to.deep.equal([]);
    c.heal();
    c.tickAll(2);
    expect(a.commit).to.equal(a.lastIndex);
    expect(c.node('e').commands).to.deep.equal(['x']);
  });

  it("overwrites a follower's conflicting entries and drops its extra ones", () => {
    const c = new Cluster({
      voters: ['a', 'b', 'c'],
      logs: {
        a: { terms: [1, 2, 2], term: 3 },
        b: { terms: [1, 2, 2], term: 3 },
        c: { terms: [1, 3, 3, 3, 3, 3], term: 3 },
      },
    });
    const a = c.electLeader('a');
    expect(terms(a)).to.deep.equal([1, 2, 2, 4]);
    expect(terms(c.core('c'))).to.deep.equal([1, 2, 2, 4]);
    // What c persisted was overwritten too.
    expect(c.node('c').storage.entries.map((e) => e.term)).to.deep.equal([1, 2, 2, 4]);
    expect(c.node('c').commands).to.deep.equal(['i1t1', 'i2t2', 'i3t2']);
  });

  it('a follower refuses an append whose previous entry it does not hold with that term', () => {
    const b = new RaftCore(
      { id: 'b', electionTick: 10, heartbeatTick: 1, random: () => 0 },
      { hardState: { term: 2, vote: '', commit: 1 }, entries: entries([1, 2]), confState: { voters: ['a', 'b', 'c'], learners: [] } },
    );
    b.step({ type: 'app', from: 'a', to: 'b', term: 3, index: 2, logTerm: 3, entries: entries([3], 3), commit: 3 });
    const rd = b.ready();
    const resp = rd.messages.find((m): m is MsgAppResp => m.type === 'appResp')!;
    expect(resp).to.deep.include({ reject: true, index: 2, rejectHint: 2, logTerm: 2 });
    expect(terms(b)).to.deep.equal([1, 2]);
    expect(b.commit).to.equal(1);
  });

  describe('fast backtracking: round trips grow with conflicting terms, not entries', () => {
    const leaderLog = [1, ...run(2, 30), ...run(4, 30)];
    const cases: [string, number[], number[]][] = [
      ['a longer follower log of other terms', leaderLog, [1, ...run(2, 10), ...run(3, 100)]],
      ['a follower far behind with a divergent tail', leaderLog, [1, ...run(3, 5)]],
      ['a follower far behind with no conflict', leaderLog, [1, ...run(2, 10)]],
      [
        'ten interleaved conflicting terms on each side',
        [1, ...Array.from({ length: 10 }, (_, k) => run(2 * k + 2, 10)).flat()],
        [1, ...Array.from({ length: 10 }, (_, k) => run(2 * k + 3, 10)).flat()],
      ],
    ];
    for (const [what, lead, follow] of cases) {
      it(what, () => {
        const top = Math.max(...lead, ...follow);
        const c = new Cluster({
          voters: ['a', 'b', 'c'],
          logs: { a: { terms: lead, term: top }, b: { terms: follow, term: top }, c: { terms: lead, term: top } },
        });
        c.isolate('b');
        const a = c.electLeader('a');
        c.heal();
        c.tickAll(3);
        expect(terms(c.core('b'))).to.deep.equal(terms(a));
        let common = 0;
        while (common < Math.min(lead.length, follow.length) && lead[common] === follow[common]) common++;
        const conflictingTerms = new Set([...lead.slice(common), ...follow.slice(common)]).size;
        const conflictingEntries = Math.max(lead.length, follow.length) - common;
        const rejections = c.count(isRejectionFrom('b'));
        expect(rejections).to.be.at.least(1);
        expect(rejections).to.be.at.most(conflictingTerms);
        expect(rejections * 5).to.be.lessThan(conflictingEntries);
      });
    }
  });

  describe('the commit index on followers', () => {
    it('reaches a follower that missed it in the next heartbeat', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c'] });
      const a = c.electLeader('a');
      a.propose(new TextEncoder().encode('x'));
      // The empty MsgApp that announces the new commit index to c is lost.
      c.deliverAll((m) => !(m.type === 'app' && m.to === 'c' && m.entries.length === 0));
      const cc = c.core('c');
      expect(cc.lastIndex).to.equal(a.lastIndex);
      expect(cc.commit).to.be.lessThan(a.commit);
      expect(c.node('c').commands).to.deep.equal([]);
      c.tickAll(1);
      expect(cc.commit).to.equal(a.commit);
      expect(c.node('c').commands).to.deep.equal(['x']);
    });

    it("never goes past what the follower is known to hold, even where its log is longer", () => {
      // c's entries 2 and 3 are of term 1: they conflict with the leader's 2 (term 2) and 3 (the no-op).
      const c = new Cluster({
        voters: ['a', 'b', 'c'],
        logs: {
          a: { terms: [1, 2], term: 2, commit: 1 },
          b: { terms: [1, 2], term: 2, commit: 1 },
          c: { terms: [1, 1, 1], term: 2, commit: 1 },
        },
      });
      const noAppToC = (m: Message) => !(m.type === 'app' && m.to === 'c');
      c.core('a').campaign();
      c.deliverAll(noAppToC);
      const a = c.core('a');
      expect(a.commit).to.equal(3);
      c.tick('a');
      const heartbeats = c.pending((m) => m.type === 'heartbeat' && m.to === 'c');
      expect(heartbeats.map((m) => m.type === 'heartbeat' && m.commit)).to.deep.equal([0]);
      c.deliverAll(noAppToC);
      // Had c taken the leader's commit index, it would have applied its own entries 2 and 3.
      expect(c.core('c').commit).to.equal(1);
      expect(c.node('c').commands).to.deep.equal(['i1t1']);
      c.tickAll(1);
      expect(c.core('c').commit).to.equal(3);
      expect(c.node('c').commands).to.deep.equal(['i1t1', 'i2t2']);
    });
  });

  it('answers a stale append below its commit index with that commit index', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'] });
    c.electLeader('a');
    for (const x of ['x', 'y']) c.propose('a', x);
    const b = c.core('b');
    c.clearQueue();
    b.step({ type: 'app', from: 'a', to: 'b', term: b.term, index: 0, logTerm: 0, entries: [], commit: 0 });
    const [resp] = c.take((m) => m.type === 'appResp');
    expect(resp).to.deep.include({ reject: false, index: b.commit });
    expect(b.commit).to.equal(3);
  });
});
