import { expect } from 'chai';
import type { Message } from '../../src/core/index.js';
import { MessageQueue } from '../../src/transport/message-queue.js';
import { heartbeat } from './fixture.js';

const commit = (m: Message | undefined) => (m?.type === 'heartbeat' ? m.commit : undefined);

describe('MessageQueue', () => {
  it('is first in, first out across the wrap-around', () => {
    const q = new MessageQueue(3);
    const out: (number | undefined)[] = [];
    for (let i = 0; i < 10; i++) {
      expect(q.push(heartbeat('a', 'b', i))).to.equal(true);
      if (i % 2 === 1) out.push(commit(q.shift()), commit(q.shift()));
    }
    expect(out).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(q.length).to.equal(0);
    expect(q.shift()).to.equal(undefined);
  });

  it('refuses a message when full and holds no more than its capacity', () => {
    const q = new MessageQueue(2);
    expect([1, 2, 3].map((i) => q.push(heartbeat('a', 'b', i)))).to.deep.equal([true, true, false]);
    expect(q.length).to.equal(2);
    expect(commit(q.peek())).to.equal(1);
    q.clear();
    expect(q.length).to.equal(0);
    expect(q.push(heartbeat('a', 'b', 4))).to.equal(true);
  });

  it('needs a positive capacity', () => {
    expect(() => new MessageQueue(0)).to.throw(RangeError);
  });
});
