import { expect } from 'chai';
import {
  EntryType,
  RaftCore,
  StateRole,
  bootstrapState,
  decodeConfChange,
  encodeConfChange,
  type ConfChange,
  type Message,
} from '../../src/core/index.js';
import { Cluster, enc, expectRaftError, raftErrorCode } from './harness.js';

/** A founded cluster (membership in the log) with `id` elected. */
function founded(voters: string[], leader = 'a'): { c: Cluster; lead: RaftCore } {
  const c = new Cluster({ voters, bootstrap: true });
  return { c, lead: c.electLeader(leader) };
}

/** Proposes a change on `id` and delivers until quiet, with a heartbeat so new members hear from the leader. */
function change(c: Cluster, id: string, cc: ConfChange): void {
  c.core(id).proposeConfChange(cc);
  c.deliverAll();
  c.tickAll(2);
}

describe('membership changes (§4)', () => {
  describe('bootstrap', () => {
    it('bootstrapState writes the founding voters as committed addNode entries of term 1, in id order', () => {
      const boot = bootstrapState([{ id: 'c' }, { id: 'a', context: enc('url-a') }, { id: 'b' }]);
      expect(boot.hardState).to.deep.equal({ term: 1, vote: '', commit: 3 });
      expect(boot.entries.map((e) => [e.index, e.term, e.type])).to.deep.equal([
        [1, 1, EntryType.ConfChange],
        [2, 1, EntryType.ConfChange],
        [3, 1, EntryType.ConfChange],
      ]);
      expect(boot.entries.map((e) => decodeConfChange(e.data))).to.deep.equal([
        { type: 'addNode', nodeId: 'a', context: enc('url-a') },
        { type: 'addNode', nodeId: 'b' },
        { type: 'addNode', nodeId: 'c' },
      ]);
      expect(() => bootstrapState([])).to.throw();
    });

    it('the founding voters take effect when the entries are applied', () => {
      const core = new RaftCore({ id: 'a', electionTick: 10, heartbeatTick: 1, random: () => 0 }, bootstrapState([{ id: 'a' }, { id: 'b' }]));
      expect(core.confState().voters).to.deep.equal([]);
      const rd = core.ready();
      expect(rd.committedEntries).to.have.length(2);
      core.advance(rd);
      expect(core.confState()).to.deep.equal({ voters: ['a', 'b'], learners: [] });
    });

    it('a founded cluster elects a leader in term 2 and replicates after the founding entries', () => {
      const { c, lead } = founded(['a', 'b', 'c']);
      expect(lead.term).to.equal(2);
      expect(lead.lastIndex).to.equal(4);
      for (const id of ['a', 'b', 'c']) expect(c.node(id).confChanges.map((cc) => cc.nodeId)).to.deep.equal(['a', 'b', 'c']);
    });
  });

  describe('learners', () => {
    it('a new learner receives the whole log, founding voters included', () => {
      const { c } = founded(['a', 'b', 'c']);
      c.propose('a', 'x');
      c.addNode('d');
      change(c, 'a', { type: 'addLearner', nodeId: 'd' });
      const d = c.core('d');
      expect(d.confState()).to.deep.equal({ voters: ['a', 'b', 'c'], learners: ['d'] });
      expect(c.node('d').commands).to.deep.equal(['x']);
      expect(d.lead).to.equal('a');
    });

    it('does not count for commit', () => {
      const { c, lead } = founded(['a', 'b', 'c']);
      c.addNode('d');
      change(c, 'a', { type: 'addLearner', nodeId: 'd' });
      c.isolate('b');
      c.isolate('c');
      const commit = lead.commit;
      c.propose('a', 'y');
      expect(c.core('d').lastIndex).to.equal(lead.lastIndex);
      expect(lead.commit).to.equal(commit);
    });

    it('never campaigns, is never asked for a vote, and its vote would not count', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c'], learners: ['l'], config: { preVote: false } });
      c.tick('l', 100);
      expect(c.core('l').role).to.equal(StateRole.Follower);
      expect(c.pending((m) => m.from === 'l')).to.deep.equal([]);
      const b = c.core('b');
      b.campaign();
      expect(c.pending((m) => m.type === 'vote').map((m) => m.to).sort()).to.deep.equal(['a', 'c']);
      b.step({ type: 'voteResp', from: 'l', to: 'b', term: b.term, reject: false });
      expect(b.role).to.equal(StateRole.Candidate);
      b.step({ type: 'voteResp', from: 'c', to: 'b', term: b.term, reject: false });
      expect(b.role).to.equal(StateRole.Leader);
    });

    it('is promoted by addNode, after which its acknowledgement counts', () => {
      const { c, lead } = founded(['a', 'b', 'c']);
      c.addNode('d');
      change(c, 'a', { type: 'addLearner', nodeId: 'd' });
      change(c, 'a', { type: 'addNode', nodeId: 'd' });
      for (const id of ['a', 'b', 'c', 'd']) expect(c.core(id).confState(), id).to.deep.equal({ voters: ['a', 'b', 'c', 'd'], learners: [] });
      // Four voters: a, b and d are a quorum.
      c.isolate('c');
      c.propose('a', 'with d');
      expect(c.node('a').commands).to.deep.equal(['with d']);
      c.isolate('b');
      c.propose('a', 'a and d only');
      expect(lead.commit).to.be.lessThan(lead.lastIndex);
    });
  });

  describe('voters', () => {
    it('a brand-new voter catches up and counts toward the quorum', () => {
      const { c, lead } = founded(['a', 'b', 'c']);
      c.propose('a', 'x');
      c.addNode('e');
      change(c, 'a', { type: 'addNode', nodeId: 'e' });
      expect(c.core('e').confState().voters).to.deep.equal(['a', 'b', 'c', 'e']);
      expect(c.node('e').commands).to.deep.equal(['x']);
      c.isolate('c');
      c.isolate('e');
      c.propose('a', 'two of four');
      expect(lead.commit).to.be.lessThan(lead.lastIndex);
      c.heal();
      c.isolate('c');
      c.tickAll(1);
      expect(lead.commit).to.equal(lead.lastIndex);
    });

    it('removing a voter shrinks the quorum and the leader stops replicating to it', () => {
      const { c, lead } = founded(['a', 'b', 'c', 'd']);
      c.isolate('c');
      c.isolate('d');
      c.propose('a', 'x');
      expect(lead.commit, 'two of four').to.be.lessThan(lead.lastIndex);
      c.heal();
      c.tickAll(1);
      change(c, 'a', { type: 'removeNode', nodeId: 'd' });
      expect(lead.confState().voters).to.deep.equal(['a', 'b', 'c']);
      c.isolate('c');
      c.propose('a', 'y');
      expect(c.node('a').commands, 'two of three').to.deep.equal(['x', 'y']);
      const mark = c.delivered.length;
      c.heal();
      c.tickAll(5);
      expect(c.deliveredSince(mark, (m) => m.to === 'd' && m.from === 'a')).to.deep.equal([]);
    });

    it('a removed leader steps down once the change is applied, and the rest elect a leader', () => {
      const { c, lead } = founded(['a', 'b', 'c']);
      change(c, 'a', { type: 'removeNode', nodeId: 'a' });
      expect(lead.role).to.equal(StateRole.Follower);
      expect(lead.confState().voters).to.deep.equal(['b', 'c']);
      c.tickAll(50);
      const [next] = c.leaders();
      expect(next).to.be.oneOf(['b', 'c']);
      expect(c.core(next).confState().voters).to.deep.equal(['b', 'c']);
      c.propose(next, 'after');
      expect(c.node(next === 'b' ? 'c' : 'b').commands).to.deep.equal(['after']);
      expect(lead.role, 'a non-member never campaigns').to.equal(StateRole.Follower);
    });

    it('a removed leader with an uncommitted tail leads until the remaining voter holds it', () => {
      // Two voters, c leads and removes itself, then accepts one more entry. b never hears
      // that the removal committed, so b still needs c's vote: c must not step down with a
      // log longer than b's, or it would refuse that vote forever.
      const { c, lead } = founded(['b', 'c'], 'c');
      lead.proposeConfChange({ type: 'removeNode', nodeId: 'c' });
      const removal = lead.lastIndex;
      lead.propose(enc('tail'));
      const loseTail = (m: Message) => !(m.type === 'app' && m.to === 'b' && m.entries.some((e) => e.index === removal + 1));
      const hideCommitFromB = (m: Message): Message =>
        (m.type === 'app' || m.type === 'heartbeat') && m.to === 'b' ? { ...m, commit: Math.min(m.commit, removal - 1) } : m;
      c.deliverAll(loseTail, hideCommitFromB);
      expect(lead.confState().voters).to.deep.equal(['b']);
      expect(lead.role, 'the tail is not on b yet').to.equal(StateRole.Leader);
      expectRaftError(() => lead.propose(enc('more')), 'ProposalDropped');
      for (let i = 0; i < 3; i++) {
        c.tick('c');
        c.deliverAll(() => true, hideCommitFromB);
      }
      expect(lead.role).to.equal(StateRole.Follower);
      expect(c.core('b').lastIndex).to.equal(lead.lastIndex);
      expect(c.core('b').confState().voters).to.deep.equal(['b', 'c']);
      c.tickAll(60);
      expect(c.leaders()).to.deep.equal(['b']);
      expect(c.core('b').confState().voters).to.deep.equal(['b']);
      expect(c.node('b').commands).to.deep.equal(['tail']);
    });

    it('updateNode carries a member\'s new context through the log and leaves the configuration alone', () => {
      const { c, lead } = founded(['a', 'b', 'c']);
      expectRaftError(() => lead.proposeConfChange({ type: 'updateNode', nodeId: 'z' }), 'InvalidConfChange');
      change(c, 'a', { type: 'updateNode', nodeId: 'b', context: enc('new-url-b') });
      for (const id of ['a', 'b', 'c']) {
        expect(c.core(id).confState()).to.deep.equal({ voters: ['a', 'b', 'c'], learners: [] });
        expect(c.node(id).confChanges.at(-1)).to.deep.equal({ type: 'updateNode', nodeId: 'b', context: enc('new-url-b') });
      }
    });

    it('a change takes effect when applied, not when appended', () => {
      const { c, lead } = founded(['a', 'b', 'c']);
      c.isolate('b');
      c.isolate('c');
      lead.proposeConfChange({ type: 'removeNode', nodeId: 'c' });
      c.deliverAll();
      expect(lead.confState().voters).to.deep.equal(['a', 'b', 'c']);
      c.heal();
      c.tickAll(1);
      expect(lead.confState().voters).to.deep.equal(['a', 'b']);
    });

    it('a follower forwards a change to the leader', () => {
      const { c } = founded(['a', 'b', 'c']);
      c.addNode('d');
      change(c, 'b', { type: 'addLearner', nodeId: 'd' });
      expect(c.core('a').confState().learners).to.deep.equal(['d']);
    });
  });

  describe('rules for proposing a change', () => {
    it('only one change may be pending at a time', () => {
      const { c, lead } = founded(['a', 'b', 'c']);
      c.addNode('d');
      lead.proposeConfChange({ type: 'addLearner', nodeId: 'd' });
      expectRaftError(() => lead.proposeConfChange({ type: 'removeNode', nodeId: 'c' }), 'ConfChangePending');
      c.deliverAll();
      expect(raftErrorCode(() => lead.proposeConfChange({ type: 'removeNode', nodeId: 'c' }))).to.equal('ok');
    });

    it('a new leader may not propose a change before it has committed an entry of its own term', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c'], bootstrap: true });
      c.core('a').campaign();
      c.deliverAll((m) => m.type !== 'app');
      const a = c.core('a');
      expect(a.role).to.equal(StateRole.Leader);
      expectRaftError(() => a.proposeConfChange({ type: 'removeNode', nodeId: 'c' }), 'ConfChangePending');
      c.tickAll(2);
      expect(a.commit).to.equal(a.lastIndex);
      expect(raftErrorCode(() => a.proposeConfChange({ type: 'removeNode', nodeId: 'c' }))).to.equal('ok');
    });

    it('a change refused for lack of room (maxUncommittedEntriesSize) leaves nothing pending', () => {
      const c = new Cluster({ voters: ['a', 'b', 'c'], bootstrap: true, config: { maxUncommittedEntriesSize: 300 } });
      const a = c.electLeader('a');
      c.isolate('b');
      c.isolate('c');
      a.propose(new Uint8Array(260));
      c.addNode('d');
      expectRaftError(() => a.proposeConfChange({ type: 'addLearner', nodeId: 'd' }), 'ProposalDropped');
      c.heal();
      c.tickAll(2);
      expect(a.applied).to.equal(a.lastIndex);
      expect(raftErrorCode(() => a.proposeConfChange({ type: 'addLearner', nodeId: 'd' }))).to.equal('ok');
    });

    it('a forwarded proposal holding two changes is dropped whole', () => {
      const { c, lead } = founded(['a', 'b', 'c']);
      const last = lead.lastIndex;
      const cc = (nodeId: string) => ({ term: 0, index: 0, type: EntryType.ConfChange, data: encodeConfChange({ type: 'addLearner', nodeId }) });
      c.deliver({ type: 'prop', from: 'b', to: 'a', term: 0, entries: [cc('x'), cc('y')] });
      c.deliverAll();
      expect(lead.lastIndex).to.equal(last);
      expect(raftErrorCode(() => lead.proposeConfChange({ type: 'addLearner', nodeId: 'x' }))).to.equal('ok');
    });

    const invalid: [string, string[], string[], ConfChange][] = [
      ['removing a non-member', ['a', 'b', 'c'], [], { type: 'removeNode', nodeId: 'zz' }],
      ['adding a voter again', ['a', 'b', 'c'], [], { type: 'addNode', nodeId: 'b' }],
      ['demoting a voter to learner', ['a', 'b', 'c'], [], { type: 'addLearner', nodeId: 'b' }],
      ['adding a learner again', ['a', 'b', 'c'], ['l'], { type: 'addLearner', nodeId: 'l' }],
      ['removing the last voter', ['a'], [], { type: 'removeNode', nodeId: 'a' }],
    ];
    for (const [what, voters, learners, cc] of invalid) {
      it(`refuses ${what} with InvalidConfChange`, () => {
        const c = new Cluster({ voters, learners });
        const a = c.electLeader('a');
        c.tickAll(1);
        const last = a.lastIndex;
        expectRaftError(() => a.proposeConfChange(cc), 'InvalidConfChange');
        expect(a.lastIndex).to.equal(last);
      });
    }

    it('an invalid change forwarded by a follower is dropped by the leader', () => {
      const { c, lead } = founded(['a', 'b', 'c']);
      const last = lead.lastIndex;
      c.core('b').proposeConfChange({ type: 'removeNode', nodeId: 'zz' });
      c.deliverAll();
      expect(lead.lastIndex).to.equal(last);
    });
  });
});
