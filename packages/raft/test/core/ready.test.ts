import { expect } from 'chai';
import { EntryType, RaftCore, StateRole, bootstrapState, encodeConfChange, type RaftConfig, type Ready } from '../../src/core/index.js';
import { Cluster, enc, entries } from './harness.js';

const config = (over: Partial<RaftConfig> = {}): RaftConfig => ({ id: 'b', electionTick: 10, heartbeatTick: 1, random: () => 0, ...over });
const fixed = { voters: ['a', 'b', 'c'], learners: [] };

describe('the Ready protocol', () => {
  it('hands out new entries, the hard state and the answer that depends on them in one Ready that must sync', () => {
    const b = new RaftCore(config(), { hardState: { term: 1, vote: '', commit: 0 }, entries: [], confState: fixed });
    b.step({ type: 'app', from: 'a', to: 'b', term: 2, index: 0, logTerm: 0, entries: entries([2, 2]), commit: 1 });
    const rd = b.ready();
    expect(rd.entries.map((e) => e.index)).to.deep.equal([1, 2]);
    expect(rd.hardState).to.deep.equal({ term: 2, vote: '', commit: 1 });
    expect(rd.messages.map((m) => m.type)).to.deep.equal(['appResp']);
    expect(rd.committedEntries.map((e) => e.index)).to.deep.equal([1]);
    expect(rd.softState).to.deep.equal({ lead: 'a', role: StateRole.Follower });
    expect(rd.mustSync).to.equal(true);
    b.advance(rd);
    expect(b.hasReady()).to.equal(false);
    expect(b.applied).to.equal(1);
  });

  it('a Ready that only moves the commit index need not sync, and hands out each committed entry once', () => {
    const b = new RaftCore(config(), { hardState: { term: 2, vote: '', commit: 0 }, entries: entries([2, 2]), confState: fixed });
    b.step({ type: 'heartbeat', from: 'a', to: 'b', term: 2, commit: 2, context: '' });
    const rd = b.ready();
    expect(rd.entries).to.deep.equal([]);
    expect(rd.hardState).to.deep.include({ commit: 2 });
    expect(rd.mustSync).to.equal(false);
    expect(rd.committedEntries.map((e) => e.index)).to.deep.equal([1, 2]);
    b.advance(rd);
    b.step({ type: 'heartbeat', from: 'a', to: 'b', term: 2, commit: 2, context: '' });
    const again = b.ready();
    expect(again.committedEntries).to.deep.equal([]);
    expect(again.hardState).to.equal(undefined);
  });

  it('maxCommittedSizePerReady spreads a large backlog over several Readys', () => {
    const big = Array.from({ length: 6 }, (_, i) => ({ term: 1, index: i + 1, type: EntryType.Normal, data: new Uint8Array(100) }));
    const b = new RaftCore(config({ maxCommittedSizePerReady: 250 }), { hardState: { term: 1, vote: '', commit: 6 }, entries: big, confState: fixed });
    const sizes: number[] = [];
    while (b.hasReady()) {
      const rd: Ready = b.ready();
      sizes.push(rd.committedEntries.length);
      b.advance(rd);
    }
    expect(sizes).to.deep.equal([2, 2, 2]);
    expect(b.applied).to.equal(6);
  });

  it('a restart with `applied` does not hand out what the application already has, membership included', () => {
    const boot = bootstrapState([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    const restored = { ...boot, entries: [...boot.entries, ...entries([2, 2], 4)], hardState: { term: 2, vote: 'a', commit: 5 } };
    const b = new RaftCore(config({ applied: 4 }), restored);
    expect(b.confState().voters).to.deep.equal(['a', 'b', 'c']);
    const rd = b.ready();
    expect(rd.committedEntries.map((e) => e.index)).to.deep.equal([5]);
  });

  it('a node does not campaign while a committed membership change is not applied', () => {
    const boot = bootstrapState([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    const b = new RaftCore(config({ applied: 3, preVote: false }), boot);
    const removeC = { term: 2, index: 4, type: EntryType.ConfChange, data: encodeConfChange({ type: 'removeNode', nodeId: 'c' }) };
    b.step({ type: 'app', from: 'a', to: 'b', term: 2, index: 3, logTerm: 1, entries: [removeC], commit: 4 });
    for (let i = 0; i < 30; i++) b.tick();
    expect(b.role).to.equal(StateRole.Follower);
    b.advance(b.ready());
    expect(b.confState().voters).to.deep.equal(['a', 'b']);
    for (let i = 0; i < 10; i++) b.tick();
    expect(b.role).to.equal(StateRole.Candidate);
  });

  it('a single voter commits its own entries in the Ready that persists them', () => {
    const c = new Cluster({ voters: ['a'] });
    const a = c.electLeader('a');
    a.propose(enc('x'));
    const rd = a.ready();
    expect(rd.entries.map((e) => e.index)).to.deep.equal([a.lastIndex]);
    expect(rd.committedEntries.map((e) => e.index)).to.deep.equal([a.lastIndex]);
    a.advance(rd);
  });
});
