import { expect } from 'chai';
import { EntryType, type Entry } from '../../src/core/index.js';
import { InvariantViolation, SafetyChecker, checkRead, type NodeView } from './checkers.js';
import { runSeed } from './scenario.js';

const entry = (index: number, term: number, text: string): Entry => ({ index, term, type: EntryType.Normal, data: new TextEncoder().encode(text) });

function view(id: string, term: number, entries: Entry[], commit: number, isLeader = false, snapshotIndex = 0): NodeView {
  return { id, term, isLeader, commit, entries, snapshotIndex };
}

function violation(fn: () => void): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvariantViolation) return err.property;
    throw err;
  }
  return 'none';
}

describe('the deterministic simulator', function () {
  this.timeout(120_000);

  it('keeps every safety property and recovers liveness on 200 seeds (3 and 5 nodes)', () => {
    const failures: string[] = [];
    const sizes = new Set<number>();
    let snapshots = 0;
    let changes = 0;
    let crashes = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const r = runSeed(seed);
      sizes.add(r.clusterSize);
      snapshots += r.snapshotsInstalled;
      changes += r.membershipChanges;
      crashes += r.crashes;
      if (!r.ok) failures.push(`seed ${seed}: ${r.error}`);
    }
    expect(failures).to.deep.equal([]);
    // The runs really exercised what they claim to.
    expect([...sizes].sort()).to.deep.equal([3, 5]);
    expect(snapshots).to.be.greaterThan(100);
    expect(changes).to.be.greaterThan(100);
    expect(crashes).to.be.greaterThan(100);
  });

  it('replays a seed exactly', () => {
    const a = runSeed(4242);
    const b = runSeed(4242);
    expect(a.digest).to.equal(b.digest);
    expect(a).to.deep.equal(b);
    expect(runSeed(4243).digest).to.not.equal(a.digest);
  });

  describe('its checkers catch violations', () => {
    it('two leaders in one term', () => {
      const c = new SafetyChecker();
      c.check([view('a', 2, [], 0, true)]);
      expect(violation(() => c.check([view('b', 2, [], 0, true)]))).to.equal('election safety');
    });

    it('logs that agree on an entry but differ before it', () => {
      const c = new SafetyChecker();
      const x = view('a', 2, [entry(1, 1, 'x'), entry(2, 2, 'y')], 0);
      const y = view('b', 2, [entry(1, 1, 'DIFFERENT'), entry(2, 2, 'y')], 0);
      expect(violation(() => c.check([x, y]))).to.equal('log matching');
    });

    it('a later leader missing a committed entry', () => {
      const c = new SafetyChecker();
      c.check([view('a', 1, [entry(1, 1, 'x'), entry(2, 1, 'y')], 2, true)]);
      expect(violation(() => c.check([view('b', 2, [entry(1, 1, 'x')], 1, true)]))).to.equal('leader completeness');
    });

    it('a committed entry that changes', () => {
      const c = new SafetyChecker();
      c.check([view('a', 1, [entry(1, 1, 'x')], 1)]);
      expect(violation(() => c.check([view('b', 2, [entry(1, 2, 'z')], 1)]))).to.equal('state-machine safety');
    });

    it('two state machines applying different commands at one index', () => {
      const c = new SafetyChecker();
      c.recordApplied('a', 5, 'set x=1');
      expect(violation(() => c.recordApplied('b', 5, 'set x=2'))).to.equal('state-machine safety');
    });

    it('a stale read', () => {
      expect(violation(() => checkRead(9, 10, 'a'))).to.equal('linearizable read');
      expect(violation(() => checkRead(10, 10, 'a'))).to.equal('none');
    });
  });
});
