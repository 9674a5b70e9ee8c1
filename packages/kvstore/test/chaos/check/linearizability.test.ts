import { expect } from 'chai';
import { checkHistory } from '../../../src/chaos/check/index.js';
import { HistoryBuilder } from './history-builder.js';

const linearizability = (h: HistoryBuilder, maxStepsPerKey?: number) => checkHistory(h.build(), { maxStepsPerKey }).checks.linearizability;

describe('chaos check: linearizability', () => {
  describe('accepts histories a linearizable register can produce', () => {
    it('sequential puts, gets and deletes', () => {
      const h = new HistoryBuilder()
        .put('k', 'a', [0, 1], 2)
        .get('k', [2, 3], 'a', 2)
        .put('k', 'b', [4, 5], 3)
        .get('k', [6, 7], 'b', 3)
        .del('k', [8, 9], { deleted: 1, revision: 4 })
        .get('k', [10, 11], null)
        .del('k', [12, 13], { deleted: 0, revision: 4 });
      const verdict = checkHistory(h.build());
      expect(verdict.status, JSON.stringify(verdict.checks, null, 1)).to.equal('ok');
    });

    it('concurrent puts whose order only later reads decide, against invocation order', () => {
      const h = new HistoryBuilder()
        .put('k', 'a', [0, 10], 3)
        .put('k', 'b', [0.5, 9], 2)
        .get('k', [1, 2], null)
        .get('k', [3, 4], 'b', 2)
        .get('k', [11, 12], 'a', 3)
        .final('k', 'a', 3);
      expect(checkHistory(h.build()).status).to.equal('ok');
    });

    it('ops whose intervals only touch count as concurrent', () => {
      const h = new HistoryBuilder().get('k', [0, 5], 'a', 2).put('k', 'a', [5, 6], 2).final('k', 'a', 2);
      expect(checkHistory(h.build()).status).to.equal('ok');
    });

    it('an unknown put that took effect, even after a later read and long after the client gave up', () => {
      const h = new HistoryBuilder()
        .put('k', 'a', [0, 1], 2)
        .put('k', 'b', [2, 3], 'unknown')
        .get('k', [4, 5], 'a', 2)
        .get('k', [20, 21], 'b', 3)
        .final('k', 'b', 3);
      expect(checkHistory(h.build()).status).to.equal('ok');
    });

    it('an unknown put that never took effect, and a failed one', () => {
      const h = new HistoryBuilder()
        .put('k', 'a', [0, 1], 2)
        .put('k', 'b', [2, 3], 'unknown')
        .put('k', 'c', [2, 3], 'failed')
        .get('k', [10, 11], 'a', 2)
        .final('k', 'a', 2);
      expect(checkHistory(h.build()).status).to.equal('ok');
    });

    it('an unknown put that only explains a failed cas', () => {
      const h = new HistoryBuilder()
        .put('k', 'a', [0, 1], 2)
        .put('k', 'x', [2, 3], 'unknown')
        .cas('k', 'a', 'b', [4, 5], { succeeded: false, revision: 3 })
        .final('k', 'x', 3);
      expect(checkHistory(h.build()).status).to.equal('ok');
    });

    it('an unknown delete that took effect', () => {
      const h = new HistoryBuilder()
        .put('k', 'a', [0, 1], 2)
        .del('k', [2, 3], 'unknown')
        .get('k', [4, 5], null, 0, { revision: 3 });
      expect(checkHistory(h.build()).status).to.equal('ok');
    });

    it('a cas chain, with a concurrent loser on the same expected value', () => {
      const h = new HistoryBuilder()
        .cas('k', null, 'a', [0, 1], { succeeded: true, revision: 2 })
        .cas('k', 'a', 'b', [2, 4], { succeeded: true, revision: 3 })
        .cas('k', 'a', 'c', [2.5, 5], { succeeded: false, revision: 3 })
        .cas('k', 'b', 'd', [6, 7], { succeeded: true, revision: 4 })
        .cas('k', null, 'e', [8, 9], { succeeded: false, revision: 4 })
        .get('k', [10, 11], 'd', 4)
        .final('k', 'd', 4);
      expect(checkHistory(h.build()).status).to.equal('ok');
    });

    it('leaves serializable gets out: a stale one is no violation', () => {
      const h = new HistoryBuilder()
        .put('k', 'a', [0, 1], 2)
        .put('k', 'b', [2, 3], 3)
        .get('k', [4, 5], 'a', 2, { serializable: true, revision: 2 })
        .final('k', 'b', 3);
      const verdict = checkHistory(h.build());
      expect(verdict.status).to.equal('ok');
      expect(verdict.checks.linearizability.details.operations).to.equal(2);
    });
  });

  describe('finds what a linearizable register never does', () => {
    it('a stale read: a get returning the older value after a newer put completed', () => {
      // The final state names "b", so the search tells it apart from the other values.
      const h = new HistoryBuilder().put('k', 'a', [0, 1], 2).put('k', 'b', [2, 3], 3).get('k', [4, 5], 'a', 2).final('k', 'b', 3);
      const result = linearizability(h);
      expect(result.status).to.equal('violation');
      const [v] = result.violations;
      expect(v.kind).to.equal('not-linearizable');
      expect(v.key).to.equal('k');
      expect(v.explanation?.longestPrefix).to.deep.equal([0, 1]);
      expect(v.explanation?.valueAfterPrefix).to.equal('b');
      expect(v.explanation?.mustTakeEffect).to.equal(2);
      expect(v.explanation?.candidates.map((c) => c.reason)).to.deep.equal(['it read "a" where the register holds "b"']);
      expect(v.message).to.contain('#2').and.contain('the longest linearizable prefix has 2');
    });

    it('a lost write: an acknowledged put a later get does not see', () => {
      expect(linearizability(new HistoryBuilder().put('k', 'a', [0, 1], 2).get('k', [2, 3], null)).status).to.equal('violation');
    });

    it('a value nobody wrote', () => {
      expect(linearizability(new HistoryBuilder().put('k', 'a', [0, 1], 2).get('k', [2, 3], 'zzz', 2)).status).to.equal('violation');
    });

    it('a duplicate apply: a value that reappears after being overwritten', () => {
      const h = new HistoryBuilder().put('k', 'a', [0, 1], 2).put('k', 'b', [2, 3], 3).get('k', [4, 5], 'b', 3).get('k', [6, 7], 'a', 4);
      expect(linearizability(h).status).to.equal('violation');
    });

    it('a duplicate apply: two cas succeeding on the same expected value', () => {
      const h = new HistoryBuilder()
        .put('k', 'a', [0, 1], 2)
        .cas('k', 'a', 'b', [2, 3], { succeeded: true, revision: 3 })
        .cas('k', 'a', 'c', [4, 5], { succeeded: true, revision: 4 });
      expect(linearizability(h).status).to.equal('violation');
    });

    it('a delete that reports the wrong count', () => {
      expect(linearizability(new HistoryBuilder().put('k', 'a', [0, 1], 2).del('k', [2, 3], { deleted: 0, revision: 2 })).status).to.equal('violation');
    });

    it('a mod revision other than the write it read', () => {
      expect(linearizability(new HistoryBuilder().put('k', 'a', [0, 1], 2).get('k', [2, 3], 'a', 5)).status).to.equal('violation');
    });

    it('a value read before the unknown put that writes it was invoked', () => {
      expect(linearizability(new HistoryBuilder().get('k', [0, 1], 'b', 2).put('k', 'b', [5, 6], 'unknown')).status).to.equal('violation');
    });

    it('judges each key on its own and names the key that fails', () => {
      const h = new HistoryBuilder()
        .put('ok', 'x', [0, 1], 2)
        .get('ok', [2, 3], 'x', 2)
        .put('bad', 'a', [0, 1], 3)
        .put('bad', 'b', [2, 3], 4)
        .get('bad', [4, 5], 'a', 3);
      const result = linearizability(h);
      expect(result.violations.map((v) => v.key)).to.deep.equal(['bad']);
      expect(result.details.keys).to.equal(2);
    });
  });

  it('answers unknown, not a verdict, when the step budget runs out', () => {
    const h = new HistoryBuilder();
    for (let i = 0; i < 12; i++) h.put('k', `v${i}`, [0, 100], 'unknown');
    h.get('k', [101, 102], 'v0', 2);
    const result = linearizability(h, 5);
    expect(result.status).to.equal('unknown');
    expect(result.details.unknownKeys).to.deep.equal(['k']);
    expect(checkHistory(h.build(), { maxStepsPerKey: 5 }).status).to.not.equal('ok');
  });

  it('stops when the injected clock says so', () => {
    const h = new HistoryBuilder();
    for (let i = 0; i < 16; i++) h.put('k', `v${i}`, [0, 100], 'unknown');
    h.get('k', [101, 102], 'absent-value', 2);
    // Serializable reads (not searched) make every value distinguishable, so no two puts are
    // interchangeable and the search has far more than one poll interval of work to do.
    for (let i = 0; i < 16; i++) h.get('k', [200 + i, 201 + i], `v${i}`, 3 + i, { serializable: true, revision: 20 });
    let polls = 0;
    const result = checkHistory(h.build(), { shouldStop: () => ++polls > 1 }).checks.linearizability;
    expect(result.status).to.equal('unknown');
    expect(polls).to.equal(2);
  });
});
