import { expect } from 'chai';
import type { Message, MsgApp, MsgAppResp } from '../../src/core/index.js';
import { Cluster, enc, expectRaftError, raftErrorCode } from './harness.js';

const appsTo = (id: string) => (m: Message): m is MsgApp => m.type === 'app' && m.to === id && m.entries.length > 0;
const bytes = (n: number) => new Uint8Array(n);

describe('flow control', () => {
  describe('maxSizePerMsg', () => {
    it('splits a backlog into MsgApps of at most maxSizePerMsg bytes', () => {
      // Each 60-byte entry counts 76 bytes (payload plus header): two fit in 200.
      const c = new Cluster({ voters: ['a', 'b', 'c'], config: { maxSizePerMsg: 200 } });
      const a = c.electLeader('a');
      a.proposeBatch(Array.from({ length: 10 }, () => bytes(60)));
      c.deliverAll();
      const apps = c.delivered.filter(appsTo('b')).filter((m) => m.entries[0].data.byteLength === 60);
      expect(apps.map((m) => m.entries.length)).to.deep.equal([2, 2, 2, 2, 2]);
      expect(c.core('b').lastIndex).to.equal(a.lastIndex);
    });

    it('sends the same backlog in one MsgApp under the default limit', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c'] });
      const a = c.electLeader('a');
      a.proposeBatch(Array.from({ length: 10 }, () => bytes(60)));
      c.deliverAll();
      expect(c.delivered.filter(appsTo('b')).filter((m) => m.entries[0].data.byteLength === 60)).to.have.length(1);
    });

    it('always sends at least one entry, even one larger than the limit', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c'], config: { maxSizePerMsg: 100 } });
      const a = c.electLeader('a');
      a.proposeBatch([bytes(500), bytes(500)]);
      c.deliverAll();
      const big = c.delivered.filter(appsTo('b')).filter((m) => m.entries[0].data.byteLength === 500);
      expect(big.map((m) => m.entries.length)).to.deep.equal([1, 1]);
      expect(c.core('b').commit).to.equal(a.lastIndex);
    });
  });

  describe('maxInflightMsgs', () => {
    it('caps unacknowledged MsgApps to a follower in replicate state, and one ack lets one more go', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c'], config: { maxInflightMsgs: 3 } });
      const a = c.electLeader('a');
      expect(a.status().progress.get('b')!.state).to.equal('replicate');
      const mark = c.delivered.length;
      const first = a.lastIndex + 1;
      const holdAcksOfB = (m: Message) => !(m.type === 'appResp' && m.from === 'b');
      for (let i = 0; i < 10; i++) {
        a.propose(enc(`p${i}`));
        c.deliverMatching(holdAcksOfB);
      }
      expect(c.deliveredSince(mark, appsTo('b'))).to.have.length(3);
      expect(c.deliveredSince(mark, appsTo('c'))).to.have.length(10);
      const held = c.take((m): m is MsgAppResp => m.type === 'appResp' && m.from === 'b');
      expect(Math.max(...held.map((m) => m.index)), 'b holds three of the ten').to.equal(first + 2);
      c.deliver(held[0]);
      const next = c.take(appsTo('b'));
      expect(next, 'one slot freed, one MsgApp with the whole backlog').to.have.length(1);
      expect(next[0].entries).to.have.length(7);
      c.deliver(next[0]);
      c.deliverAll();
      expect(c.core('b').lastIndex).to.equal(a.lastIndex);
      expect(c.node('b').commands).to.have.length(10);
    });

    it('a heartbeat answer frees a slot of a full window whose acks were lost', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c'], config: { maxInflightMsgs: 2 } });
      const a = c.electLeader('a');
      const mark = c.delivered.length;
      c.cutLink('b', 'a');
      for (let i = 0; i < 5; i++) c.propose('a', `p${i}`);
      expect(c.deliveredSince(mark, appsTo('b'))).to.have.length(2);
      expect(c.core('b').lastIndex).to.be.lessThan(a.lastIndex);
      c.heal();
      c.tickAll(2);
      expect(c.core('b').lastIndex).to.equal(a.lastIndex);
      expect(c.node('b').commands).to.deep.equal(['p0', 'p1', 'p2', 'p3', 'p4']);
    });
  });

  describe('probe state', () => {
    it('sends one MsgApp per heartbeat answer until the follower acknowledges one', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c'] });
      const a = c.electLeader('a');
      a.reportUnreachable('b');
      expect(a.status().progress.get('b')!.state).to.equal('probe');
      const mark = c.delivered.length;
      const dropAcksOfB = (m: Message) => !(m.type === 'appResp' && m.from === 'b');
      for (let i = 0; i < 5; i++) {
        a.propose(enc(`p${i}`));
        c.deliverAll(dropAcksOfB);
      }
      expect(c.deliveredSince(mark, appsTo('b')), 'one probe, then paused').to.have.length(1);
      for (let beat = 1; beat <= 3; beat++) {
        c.tick('a');
        c.deliverAll(dropAcksOfB);
        expect(c.deliveredSince(mark, appsTo('b'))).to.have.length(1 + beat);
      }
      expect(a.status().progress.get('b')!.state).to.equal('probe');
      c.tickAll(1);
      expect(a.status().progress.get('b')!.state).to.equal('replicate');
      expect(c.node('b').commands).to.deep.equal(['p0', 'p1', 'p2', 'p3', 'p4']);
    });

    it('reportUnreachable moves a replicating follower to probe, resending from its match', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c'] });
      const a = c.electLeader('a');
      c.cutLink('a', 'b');
      c.propose('a', 'lost-on-the-wire');
      const before = a.status().progress.get('b')!;
      expect(before.state).to.equal('replicate');
      expect(before.next, 'optimistically past the lost entry').to.equal(a.lastIndex + 1);
      a.reportUnreachable('b');
      const after = a.status().progress.get('b')!;
      expect(after.state).to.equal('probe');
      expect(after.next).to.equal(after.match + 1);
      expect(a.role).to.equal('leader');
      c.heal();
      c.tickAll(1);
      expect(c.node('b').commands).to.deep.equal(['lost-on-the-wire']);
    });

    it('reportUnreachable is ignored by a follower and for unknown nodes', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c'] });
      const a = c.electLeader('a');
      c.core('b').reportUnreachable('a');
      a.reportUnreachable('zz');
      expect(a.status().progress.get('b')!.state).to.equal('replicate');
    });
  });

  describe('maxUncommittedEntriesSize', () => {
    it('refuses proposals with ProposalDropped once the uncommitted tail is full, and accepts again after commit', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c'], config: { maxUncommittedEntriesSize: 1000 } });
      const a = c.electLeader('a');
      c.isolate('b');
      c.isolate('c');
      // A 100-byte entry counts 116 bytes: eight fit in 1000.
      let accepted = 0;
      while (raftErrorCode(() => a.propose(bytes(100))) === 'ok') accepted++;
      expect(accepted).to.equal(8);
      expectRaftError(() => a.propose(bytes(100)), 'ProposalDropped');
      c.heal();
      c.tickAll(2);
      expect(a.commit).to.equal(a.lastIndex);
      expect(raftErrorCode(() => a.propose(bytes(100)))).to.equal('ok');
    });

    it('accepts one proposal larger than the limit when nothing is uncommitted', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c'], config: { maxUncommittedEntriesSize: 1000 } });
      const a = c.electLeader('a');
      c.isolate('b');
      c.isolate('c');
      expect(raftErrorCode(() => a.propose(bytes(5000)))).to.equal('ok');
      expectRaftError(() => a.propose(bytes(1)), 'ProposalDropped');
    });
  });
});
