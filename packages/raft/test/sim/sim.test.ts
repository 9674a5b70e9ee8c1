import { expect } from 'chai';
import { EntryType, type Entry } from '../../src/core/index.js';
import { InvariantViolation, SafetyChecker, type NodeView } from './checkers.js';
import { ClientHistory, checkRead } from './client-history.js';
import { runSeed } from './scenario.js';

const entry = (index: number, term: number, text: string): Entry => ({ index, term, type: EntryType.Normal, data: new TextEncoder().encode(text) });

function view(id: string, term: number, entries: Entry[], commit: number, isLeader = false, snapshotIndex = 0): NodeView {
  return { id, term, isLeader, commit, entries, snapshotIndex };
}

/** The property a check reports as violated, or 'none'. */
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
    const totals = { snapshots: 0, changes: 0, retired: 0, crashes: 0, reads: 0, transfers: 0 };
    for (let seed = 1; seed <= 200; seed++) {
      const r = runSeed(seed);
      sizes.add(r.clusterSize);
      totals.snapshots += r.snapshotsInstalled;
      totals.changes += r.membershipChanges;
      totals.retired += r.retired;
      totals.crashes += r.crashes;
      totals.reads += r.reads;
      totals.transfers += r.transfers;
      if (!r.ok) failures.push(`seed ${seed}: ${r.error}`);
    }
    expect(failures).to.deep.equal([]);
    // The runs really exercised what they claim to.
    expect([...sizes].sort()).to.deep.equal([3, 5]);
    for (const [what, n] of Object.entries(totals)) expect(n, what).to.be.greaterThan(100);
  });

  it('replays a seed exactly', () => {
    const a = runSeed(4242);
    const b = runSeed(4242);
    expect(a.digest).to.equal(b.digest);
    expect(a).to.deep.equal(b);
    expect(runSeed(4243).digest).to.not.equal(a.digest);
  });

  it('prints the same trace when replaying with --trace', () => {
    const lines: string[] = [];
    const traced = runSeed(7, { trace: (line) => lines.push(line) });
    expect(traced.digest).to.equal(runSeed(7).digest);
    expect(lines.some((l) => l.includes('deliver '))).to.equal(true);
  });

  describe('its checkers catch violations', () => {
    it('two leaders in one term', () => {
      const c = new SafetyChecker();
      c.check([view('a', 2, [], 0, true)]);
      expect(violation(() => c.check([view('b', 3, [], 0, true)]))).to.equal('none');
      expect(violation(() => c.check([view('b', 2, [], 0, true)]))).to.equal('election safety');
    });

    it('logs that agree on an entry but differ before it', () => {
      const c = new SafetyChecker();
      const x = view('a', 2, [entry(1, 1, 'x'), entry(2, 2, 'y')], 0);
      const y = view('b', 2, [entry(1, 1, 'DIFFERENT'), entry(2, 2, 'y')], 0);
      expect(violation(() => c.check([x, view('b', 2, [entry(1, 1, 'x'), entry(2, 1, 'z')], 0)]))).to.equal('none');
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
      expect(violation(() => c.recordApplied('c', 5, 'set x=1'))).to.equal('none');
      expect(violation(() => c.recordApplied('b', 5, 'set x=2'))).to.equal('state-machine safety');
    });

    it('a stale read', () => {
      expect(violation(() => checkRead(9, 10, 'a'))).to.equal('linearizable read');
      expect(violation(() => checkRead(10, 10, 'a'))).to.equal('none');
    });

    it('a read that began after a write was acknowledged but returns an index before it', () => {
      const h = new ClientHistory();
      h.proposed('w', 'a');
      h.applied('a', 7, 'w');
      h.readRequested('r1', 'b');
      // Answered with index 6, and b has applied 6: the read would miss w.
      expect(violation(() => h.readAnswered('b', 'r1', 6, 6))).to.equal('linearizable read');
      h.readRequested('r2', 'b');
      h.readAnswered('b', 'r2', 8, 6);
      // Completes only once b has applied index 8.
      expect(h.readsDone).to.equal(0);
      h.caughtUp('b', 8);
      expect(h.readsDone).to.equal(1);
    });

    it('a cluster that does not converge in time', () => {
      const r = runSeed(3, { chaosTicks: 100, livenessTimeouts: 0 });
      expect(r.ok).to.equal(false);
      expect(r.error).to.match(/^liveness: /);
    });

    it('an acknowledged write that is lost', () => {
      const h = new ClientHistory();
      h.proposed('w', 'a');
      h.applied('a', 3, 'w');
      expect(violation(() => h.checkDurability('b', new Map([[3, 'w']])))).to.equal('none');
      expect(violation(() => h.checkDurability('b', new Map([[3, 'other']])))).to.equal('durability');
      expect(violation(() => h.checkDurability('b', new Map()))).to.equal('durability');
    });
  });
});
