import { expect } from 'chai';
import { RaftCore, RaftError, StateRole, bootstrapState } from '../../src/core/index.js';
import { TestCluster, enc } from './fixture-cluster.js';

const code = (fn: () => void) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof RaftError) return err.code;
    throw err;
  }
  return 'ok';
};

describe('Raft core: membership changes', () => {
  it('a learner receives the log but neither votes nor counts for commit', () => {
    const c = new TestCluster(['a', 'b', 'c'], {}, 1, ['l']);
    c.elect('a');
    c.propose('a', 'x');
    expect(c.node('l').applied).to.deep.equal(['x']);
    c.isolate('b');
    c.isolate('c');
    c.propose('a', 'needs a voter');
    expect(c.node('a').applied, 'a learner does not make a majority').to.deep.equal(['x']);
    c.heal();
    c.core('l').campaign();
    expect(c.core('l').role).to.equal(StateRole.Follower);
  });

  it('promotes a learner, adds and removes voters; the quorum follows', () => {
    const c = new TestCluster(['a', 'b', 'c'], {}, 1, ['l']);
    const a = c.elect('a');
    a.proposeConfChange({ type: 'addNode', nodeId: 'l' });
    c.deliverAll();
    expect(a.confState().voters).to.include('l');
    expect(a.confState().learners).to.deep.equal([]);
    a.proposeConfChange({ type: 'removeNode', nodeId: 'c' });
    c.deliverAll();
    expect(a.confState().voters).to.have.members(['a', 'b', 'l']);
    c.isolate('c');
    c.isolate('l');
    c.propose('a', 'two of three');
    expect(c.node('a').applied).to.deep.equal(['two of three']);
  });

  it('allows one pending change at a time', () => {
    const c = new TestCluster(['a', 'b', 'c'], {}, 1, ['l']);
    const a = c.elect('a');
    a.proposeConfChange({ type: 'addNode', nodeId: 'l' });
    expect(code(() => a.proposeConfChange({ type: 'removeNode', nodeId: 'c' }))).to.equal('ConfChangePending');
  });

  it('a new leader accepts no change before it has committed an entry of its term', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.core('a').campaign();
    c.deliverAll((m) => m.type !== 'app');
    expect(code(() => c.core('a').proposeConfChange({ type: 'removeNode', nodeId: 'c' }))).to.equal('ConfChangePending');
  });

  it('refuses changes that make no sense', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    const a = c.elect('a');
    expect(code(() => a.proposeConfChange({ type: 'removeNode', nodeId: 'zz' }))).to.equal('InvalidConfChange');
    expect(code(() => a.proposeConfChange({ type: 'addNode', nodeId: 'b' }))).to.equal('InvalidConfChange');
    expect(code(() => a.proposeConfChange({ type: 'addLearner', nodeId: 'b' }))).to.equal('InvalidConfChange');
  });

  it('a leader that removes itself steps down and the others elect a new one', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    const a = c.elect('a');
    a.proposeConfChange({ type: 'removeNode', nodeId: 'a' });
    c.deliverAll();
    expect(a.role).to.not.equal(StateRole.Leader);
    c.isolate('a');
    c.tickAll(40);
    const leaders = ['b', 'c'].filter((id) => c.core(id).role === StateRole.Leader);
    expect(leaders).to.have.length(1);
    expect(c.core(leaders[0]).confState().voters).to.have.members(['b', 'c']);
  });

  it('a founding member learns the voters from the bootstrap entries', () => {
    const boot = bootstrapState([{ id: 'c' }, { id: 'a' }, { id: 'b' }]);
    const core = new RaftCore({ id: 'a', electionTick: 10, heartbeatTick: 1, random: () => 0.5 }, boot);
    expect(core.commit).to.equal(3);
    // The membership takes effect as the entries are applied.
    while (core.hasReady()) core.advance(core.ready());
    expect(core.confState().voters).to.deep.equal(['a', 'b', 'c']);
    expect(() => core.propose(enc('x'))).to.throw(RaftError);
  });
});
