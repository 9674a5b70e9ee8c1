import { expect } from 'chai';
import { RaftError, StateRole, type Entry, type Message } from '../../src/core/index.js';
import { TestCluster, enc } from './fixture-cluster.js';

const isApp = (m: Message) => m.type === 'app';

describe('Raft core: replication', () => {
  it('commits on a majority and applies in the same order everywhere', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.elect('a');
    for (const x of ['x', 'y', 'z']) c.propose('a', x);
    for (const id of ['a', 'b', 'c']) expect(c.node(id).applied).to.deep.equal(['x', 'y', 'z']);
  });

  it('commits with one follower down, not with two', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.elect('a');
    c.isolate('c');
    c.propose('a', 'with-b');
    expect(c.node('a').applied).to.deep.equal(['with-b']);
    c.isolate('b');
    c.propose('a', 'alone');
    expect(c.node('a').applied).to.deep.equal(['with-b']);
  });

  it('a follower forwards proposals to the leader; with no leader they fail at once', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    expect(() => c.core('b').propose(enc('early'))).to.throw(RaftError).with.property('code', 'NoLeader');
    c.elect('a');
    c.propose('b', 'via-b');
    expect(c.node('a').applied).to.deep.equal(['via-b']);
  });

  it('disableProposalForwarding refuses proposals on followers', () => {
    const c = new TestCluster(['a', 'b', 'c'], { disableProposalForwarding: true });
    c.elect('a');
    expect(() => c.core('b').propose(enc('x'))).to.throw(RaftError).with.property('code', 'ProposalDropped');
  });

  it("overwrites a follower's conflicting entries with the leader's", () => {
    const c = new TestCluster(['a', 'b', 'c'], { checkQuorum: false });
    c.elect('a');
    // a appends entries only it has, then loses leadership to b.
    c.isolate('a');
    for (let i = 0; i < 3; i++) c.core('a').propose(enc(`lost${i}`));
    c.flush();
    c.heal();
    c.outbox = [];
    c.isolate('a');
    c.elect('b');
    c.propose('b', 'kept');
    c.heal();
    c.tickAll(5);
    expect(c.node('a').applied).to.deep.equal(['kept']);
    const terms = (es: readonly Entry[]) => es.map((e) => e.term);
    expect(terms(c.core('a').logEntries())).to.deep.equal(terms(c.core('b').logEntries()));
  });

  it('fast backtracking: a divergent follower is repaired in a few round trips, not one per entry', () => {
    const c = new TestCluster(['a', 'b', 'c'], { maxSizePerMsg: 1 << 20, checkQuorum: false });
    c.elect('a');
    c.isolate('a');
    for (let i = 0; i < 50; i++) c.core('a').propose(enc(`stale${i}`));
    c.flush();
    c.outbox = [];
    c.heal();
    c.isolate('a');
    c.elect('b');
    for (let i = 0; i < 50; i++) c.core('b').propose(enc(`new${i}`));
    c.deliverAll();
    // A new leader (c) starts probing a at the end of its own, longer, log.
    c.elect('c');
    c.heal();
    const before = c.delivered.length;
    c.tickAll(3);
    const rejections = c.delivered.slice(before).filter((m) => m.type === 'appResp' && m.reject && m.from === 'a');
    // 50 conflicting entries of one term: one rejection skips them all.
    expect(rejections.length).to.equal(1);
    expect(c.node('a').applied.slice(-1)).to.deep.equal(['new49']);
  });

  it('never commits an entry of an earlier term by counting replicas (Figure 8)', () => {
    // One entry per message, so the test can deliver the old entry without the new no-op.
    const c = new TestCluster(['a', 'b', 'c', 'd', 'e'], { preVote: false, checkQuorum: false, maxSizePerMsg: 1 });
    // Term 1: a leads and replicates "old" to b only.
    c.elect('a');
    c.isolate('c');
    c.isolate('d');
    c.isolate('e');
    c.propose('a', 'old');
    const oldIndex = c.core('a').lastIndex;
    expect(c.core('a').commit, 'two of five is not a majority').to.be.lessThan(oldIndex);
    // Term 2: e wins with the votes of c and d, but its entries reach no one.
    c.heal();
    c.isolate('a');
    c.isolate('b');
    c.core('e').campaign();
    c.deliverAll((m) => m.type !== 'app');
    expect(c.core('e').role).to.equal(StateRole.Leader);
    c.outbox = [];
    c.heal();
    c.isolate('d');
    c.isolate('e');
    // Term 3: a learns of term 2, then wins with b and c.
    c.core('a').step({ type: 'heartbeat', from: 'e', to: 'a', term: c.core('e').term, commit: 0, context: '' });
    c.core('a').campaign();
    c.deliverAll((m) => m.type !== 'app');
    const a = c.core('a');
    expect(a.role).to.equal(StateRole.Leader);
    expect(a.term).to.equal(3);
    // "old" now reaches c: on a, b and c, a majority, yet it is not committed...
    const withoutNewEntries = (m: Message): Message => (m.type === 'app' ? { ...m, entries: m.entries.filter((e) => e.term < a.term) } : m);
    a.tick(); // its first appends were dropped above; a heartbeat round resumes probing
    c.deliverAll(() => true, withoutNewEntries);
    expect(c.core('c').logEntries().some((e) => e.index === oldIndex)).to.equal(true);
    expect(a.commit).to.be.lessThan(oldIndex);
    // ...until the no-op of term 3 is replicated too, which commits both.
    c.tickAll(3);
    expect(a.commit).to.equal(a.lastIndex);
    expect(c.node('c').applied).to.deep.equal(['old']);
  });

  it('heartbeats carry the commit index, but never past what a follower holds', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.elect('a');
    c.isolate('c');
    c.propose('a', 'x');
    c.heal();
    const a = c.core('a');
    a.tick();
    const hb = c.take((m) => m.type === 'heartbeat' && m.to === 'c');
    expect(hb).to.have.length(1);
    expect(hb[0].type === 'heartbeat' && hb[0].commit).to.be.lessThan(a.commit);
  });

  describe('flow control', () => {
    it('splits entries into messages of at most maxSizePerMsg bytes', () => {
      const c = new TestCluster(['a', 'b', 'c'], { maxSizePerMsg: 100 });
      c.elect('a');
      c.core('a').proposeBatch(Array.from({ length: 10 }, () => new Uint8Array(60)));
      c.deliverAll();
      const apps = c.delivered.filter((m) => isApp(m) && m.to === 'b');
      const carried = apps.flatMap((m) => (m.type === 'app' ? m.entries : []));
      expect(carried.filter((e) => e.data.length === 60)).to.have.length(10);
      for (const m of apps) if (m.type === 'app') expect(m.entries.length).to.be.at.most(1);
    });

    it('caps unacknowledged messages at maxInflightMsgs in replicate state', () => {
      const c = new TestCluster(['a', 'b', 'c'], { maxInflightMsgs: 3 });
      c.elect('a');
      c.outbox = [];
      for (let i = 0; i < 10; i++) c.core('a').propose(enc(`p${i}`));
      const apps = c.take((m) => isApp(m) && m.to === 'b');
      expect(apps).to.have.length(3);
    });

    it('maxUncommittedEntriesSize refuses proposals that would exceed it', () => {
      const c = new TestCluster(['a', 'b', 'c'], { maxUncommittedEntriesSize: 1000 });
      c.elect('a');
      c.isolate('b');
      c.isolate('c');
      let refused: unknown;
      try {
        for (let i = 0; i < 100; i++) c.core('a').propose(new Uint8Array(100));
      } catch (err) {
        refused = err;
      }
      expect(refused).to.be.instanceOf(RaftError).with.property('code', 'ProposalDropped');
    });

    it('reportUnreachable moves a follower back to probing', () => {
      const c = new TestCluster(['a', 'b', 'c']);
      c.elect('a');
      c.propose('a', 'x');
      expect(c.core('a').status().progress.get('b')!.state).to.equal('replicate');
      c.core('a').reportUnreachable('b');
      expect(c.core('a').status().progress.get('b')!.state).to.equal('probe');
      expect(c.core('a').role).to.equal(StateRole.Leader);
    });
  });
});
