import { expect } from 'chai';
import { StateRole } from '../../src/core/index.js';
import { Cluster, enc, expectRaftError } from './harness.js';

describe('proposals', () => {
  it('a follower forwards a proposal to the leader, which appends it in its own term', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'] });
    const a = c.electLeader('a');
    c.core('b').propose(enc('via-b'));
    const [fwd] = c.pending((m) => m.type === 'prop');
    expect(fwd).to.deep.include({ from: 'b', to: 'a', term: 0 });
    c.deliverAll();
    expect(a.logEntries().at(-1)).to.deep.include({ term: a.term });
    for (const id of ['a', 'b', 'c']) expect(c.node(id).commands).to.deep.equal(['via-b']);
  });

  it('with no leader known, propose throws NoLeader', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'] });
    expectRaftError(() => c.core('b').propose(enc('x')), 'NoLeader');
    c.core('b').campaign();
    expect(c.core('b').role).to.equal(StateRole.PreCandidate);
    expectRaftError(() => c.core('b').proposeBatch([enc('x')]), 'NoLeader');
  });

  it('with disableProposalForwarding a follower throws ProposalDropped; the leader still accepts', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'], config: { disableProposalForwarding: true } });
    c.electLeader('a');
    expectRaftError(() => c.core('b').propose(enc('x')), 'ProposalDropped');
    expect(c.pending((m) => m.type === 'prop')).to.deep.equal([]);
    c.propose('a', 'y');
    expect(c.node('b').commands).to.deep.equal(['y']);
  });

  it('a batch is appended contiguously and sent to each follower in one MsgApp', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'] });
    const a = c.electLeader('a');
    const first = a.lastIndex + 1;
    a.proposeBatch(['x', 'y', 'z'].map(enc));
    const apps = c.pending((m) => m.type === 'app' && m.to === 'b');
    expect(apps).to.have.length(1);
    expect(apps[0].type === 'app' && apps[0].entries.map((e) => e.index)).to.deep.equal([first, first + 1, first + 2]);
    c.deliverAll();
    expect(c.node('c').commands).to.deep.equal(['x', 'y', 'z']);
  });

  it('an empty batch is a no-op', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'] });
    const a = c.electLeader('a');
    const last = a.lastIndex;
    a.proposeBatch([]);
    expect(a.lastIndex).to.equal(last);
  });

  it('a deposed leader stops accepting proposals', () => {
    const c = new Cluster({ voters: ['a', 'b', 'c'] });
    c.electLeader('a');
    c.isolate('a');
    c.tickAll(30);
    expect(c.core('a').role).to.equal(StateRole.Follower);
    expectRaftError(() => c.core('a').propose(enc('x')), 'NoLeader');
  });
});
