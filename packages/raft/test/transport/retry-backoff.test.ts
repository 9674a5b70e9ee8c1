import { expect } from 'chai';
import { RetryBackoff } from '../../src/transport/retry-backoff.js';

describe('transport: retry back-off', () => {
  it('doubles the pause with each failure in a row, within its bounds', () => {
    const b = new RetryBackoff(50, 1000);
    const pauses = [0, 1, 2, 3, 4, 5, 6].map((i) => {
      b.failed(i * 10_000);
      return b.waitAt(i * 10_000);
    });
    expect(pauses).to.deep.equal([50, 100, 200, 400, 800, 1000, 1000]);
  });

  it('counts the pause from the failure, so a peer silent for longer than the pause is tried at once', () => {
    const b = new RetryBackoff(50, 1000);
    for (let i = 0; i < 6; i++) b.failed(0);
    expect(b.waitAt(300)).to.equal(700);
    // Seconds later (the peer restarted meanwhile; nothing was sent to it): no wait at all.
    expect(b.waitAt(5000)).to.equal(0);
  });

  it('does not pause after a success', () => {
    const b = new RetryBackoff(50, 1000);
    b.failed(0);
    b.failed(0);
    b.succeeded();
    expect(b.waitAt(0)).to.equal(0);
    b.failed(100);
    expect(b.waitAt(100), 'and starts again from the least pause').to.equal(50);
  });
});
