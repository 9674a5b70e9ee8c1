import { expect } from 'chai';
import { LeaderLoss } from '../../src/server/leader-loss.js';

const never = () => new Promise<never>(() => undefined);
const outcome = <T>(p: Promise<T>) => p.then((value) => ({ value }), (error: Error) => ({ error: error.message }));

describe('leader loss', () => {
  it('ends a wait on the leader known when it began as soon as another leads, or none does', async () => {
    const loss = new LeaderLoss();
    loss.observe('a');
    const waiting = outcome(loss.race(never(), () => new Error('leader changed')));
    loss.observe('');
    expect(await waiting).to.deep.equal({ error: 'leader changed' });
  });

  it('lets a request that settles first settle as it does, and ignores what it settles with after a loss', async () => {
    const loss = new LeaderLoss();
    loss.observe('a');
    expect(await outcome(loss.race(Promise.resolve(7), () => new Error('lost')))).to.deep.equal({ value: 7 });
    expect(await outcome(loss.race(Promise.reject(new Error('refused')), () => new Error('lost')))).to.deep.equal({ error: 'refused' });
    let settleLate!: (v: number) => void;
    const late = loss.race(new Promise<number>((r) => (settleLate = r)), () => new Error('lost'));
    loss.observe('b');
    settleLate(8);
    expect(await outcome(late)).to.deep.equal({ error: 'lost' });
  });

  it('does not end waits when the same leader is reported again', async () => {
    const loss = new LeaderLoss();
    loss.observe('a');
    let settle!: (v: string) => void;
    const waiting = loss.race(new Promise<string>((r) => (settle = r)), () => new Error('lost'));
    loss.observe('a');
    settle('answered');
    expect(await waiting).to.equal('answered');
  });
});
