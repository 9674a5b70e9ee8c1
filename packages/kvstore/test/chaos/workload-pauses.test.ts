import { expect } from 'chai';
import { pauseAfterFailure } from '../../src/chaos/kv-workload.js';

describe('kvstore chaos: a workload client after a failed operation', () => {
  it('goes on at once after a first refusal, to what is most likely another member', () => {
    expect(pauseAfterFailure(1, 'failed')).to.equal(0);
  });

  it('pauses briefly while members answer without a leader, doubling to a small cap', () => {
    expect([1, 2, 3, 4, 5, 20].map((n) => pauseAfterFailure(n, 'unknown'))).to.deep.equal([10, 20, 40, 50, 50, 50]);
    expect(pauseAfterFailure(2, 'failed'), 'refused again: every member may be down').to.equal(20);
  });
});
