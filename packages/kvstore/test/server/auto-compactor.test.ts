import { expect } from 'chai';
import { AutoCompactor } from '../../src/server/auto-compactor.js';

describe('auto-compaction', () => {
  it('revision mode keeps the last N revisions', () => {
    const c = new AutoCompactor('revision', 100);
    expect(c.next(0, 50, 0)).to.equal(undefined);
    expect(c.next(0, 1000, 0)).to.equal(900);
    expect(c.next(0, 1000, 900), 'nothing new to compact').to.equal(undefined);
  });

  it('periodic mode compacts to the revision seen one retention window ago', () => {
    const c = new AutoCompactor('periodic', 10_000);
    expect(c.intervalMs).to.equal(1000);
    expect(c.next(0, 10, 0)).to.equal(undefined);
    expect(c.next(5_000, 20, 0)).to.equal(undefined);
    expect(c.next(10_000, 30, 0)).to.equal(10);
    expect(c.next(15_000, 40, 10)).to.equal(20);
    c.reset();
    expect(c.next(16_000, 50, 20), 'a new leader starts sampling afresh').to.equal(undefined);
  });

  it('is off with a retention of 0', () => {
    const c = new AutoCompactor('periodic', 0);
    expect(c.enabled).to.equal(false);
    expect(c.next(1e9, 1e6, 0)).to.equal(undefined);
  });
});
