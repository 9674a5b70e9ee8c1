import { expect } from 'chai';
import { StateRole, type Message, type RaftCore } from '../../src/core/index.js';
import { Cluster } from './harness.js';

const termAt = (core: RaftCore, index: number) => core.logEntries().find((e) => e.index === index)?.term;

describe('safety (§5.4)', () => {
  describe('Figure 8: a leader never commits an entry of an earlier term by counting replicas', () => {
    /**
     * The paper's servers S1..S5 as a..e, at the moment of Figure 8 (c): a led term 2 and
     * stored entry 2 on b only; e led term 3 and stored its own entry 2 on itself only.
     */
    function figure8(): Cluster {
      return new Cluster({
        voters: ['a', 'b', 'c', 'd', 'e'],
        config: { preVote: false, checkQuorum: false, maxSizePerMsg: 1 },
        logs: {
          a: { terms: [1, 2], term: 3, commit: 1 },
          b: { terms: [1, 2], term: 3, commit: 1 },
          c: { terms: [1], term: 3, commit: 1 },
          d: { terms: [1], term: 3, commit: 1 },
          e: { terms: [1, 3], term: 3, commit: 1 },
        },
      });
    }
    // Holds back a's entries of its own term: only the old entry 2 gets through.
    const onlyUpTo2 = (m: Message): Message => (m.type === 'app' ? { ...m, entries: m.entries.filter((e) => e.index <= 2) } : m);

    it('(c) entry 2 of term 2 on a majority is not committed by the leader of term 4', () => {
      const c = figure8();
      c.isolate('e');
      c.core('a').campaign();
      c.deliverAll(() => true, onlyUpTo2);
      const a = c.core('a');
      expect(a.role).to.equal(StateRole.Leader);
      expect(a.term).to.equal(4);
      const holders = ['a', 'b', 'c', 'd', 'e'].filter((id) => termAt(c.core(id), 2) === 2);
      expect(holders).to.have.length.at.least(3);
      expect(a.commit).to.equal(1);
      expect(c.node('a').commands).to.deep.equal(['i1t1']);
    });

    it('(d) which is right: e can still win term 5 and replace entry 2 everywhere', () => {
      const c = figure8();
      c.isolate('e');
      c.core('a').campaign();
      c.deliverAll(() => true, onlyUpTo2);
      c.heal();
      c.isolate('a');
      // e's first campaign (term 4) meets votes already cast for a; the next one wins.
      c.core('e').campaign();
      c.deliverAll();
      c.core('e').campaign();
      c.deliverAll();
      expect(c.core('e').role).to.equal(StateRole.Leader);
      expect(c.core('e').term).to.equal(5);
      for (const id of ['b', 'c', 'd', 'e']) expect(termAt(c.core(id), 2), id).to.equal(3);
      expect(c.node('c').commands).to.deep.equal(['i1t1', 'i2t3']);
      // a rejoins and its uncommitted entry 2 is overwritten: nobody ever applied it.
      c.heal();
      c.tickAll(3);
      expect(termAt(c.core('a'), 2)).to.equal(3);
      expect(c.node('a').commands).to.deep.equal(['i1t1', 'i2t3']);
    });

    it('(e) once an entry of term 4 is on a majority, entry 2 is committed and e cannot win', () => {
      const c = figure8();
      c.isolate('e');
      c.core('a').campaign();
      c.deliverAll();
      const a = c.core('a');
      expect(a.commit).to.equal(3);
      expect(c.node('a').commands).to.deep.equal(['i1t1', 'i2t2']);
      c.heal();
      c.isolate('a');
      for (let i = 0; i < 3; i++) {
        c.core('e').campaign();
        c.deliverAll();
        expect(c.core('e').role).to.not.equal(StateRole.Leader);
      }
      c.tickAll(40);
      const [lead] = c.leaders().filter((id) => id !== 'a');
      expect(lead).to.be.oneOf(['b', 'c', 'd']);
      for (const id of ['b', 'c', 'd', 'e']) expect(termAt(c.core(id), 2), id).to.equal(2);
    });
  });

  it('Leader Completeness: a node missing a committed entry cannot become leader', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'], config: { preVote: false, checkQuorum: false } });
    c.electLeader('a');
    c.isolate('c');
    c.propose('a', 'x');
    c.crash('a');
    c.heal();
    for (let i = 0; i < 3; i++) {
      c.tick('c', 20);
      c.deliverAll();
      expect(c.core('c').role).to.not.equal(StateRole.Leader);
    }
    c.tickAll(100);
    expect(c.leaders()).to.deep.equal(['b']);
    expect(c.node('c').commands).to.deep.equal(['x']);
  });
});
