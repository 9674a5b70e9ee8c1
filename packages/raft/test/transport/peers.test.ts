import { expect } from 'chai';
import { eventually, heartbeat, useFixture } from './fixture.js';

describe('transport: peers coming and going', () => {
  const fixture = useFixture();

  it('reports a down peer unreachable and keeps its queue bounded', async () => {
    const a = await fixture().member('a', { maxQueuedMessages: 1000 });
    a.t.addPeer('b', await fixture().deadUrl());
    for (let i = 0; i < 100_000; i++) a.t.send([heartbeat('a', 'b', i)]);
    await eventually(() => a.unreachable.length > 0, 'an unreachable report');
    expect(a.unreachable[0]).to.equal('b');
    // At most one queue's worth is ever held: the rest is refused at the door.
    expect(a.t.stats.droppedQueueFull).to.be.at.least(99_000);
    expect(a.t.stats.sendFailures).to.be.greaterThan(0);
    expect(a.t.stats.messagesSent).to.equal(0);
  });

  it('backs off while a peer stays down, instead of spinning', async () => {
    const a = await fixture().member('a');
    a.t.addPeer('b', await fixture().deadUrl());
    const started = Date.now();
    while (Date.now() - started < 600) {
      a.t.send([heartbeat('a', 'b', 0)]);
      await new Promise((r) => setTimeout(r, 5));
    }
    // 50, 100, 200, 400 ms of back-off fit in 600 ms: a handful of attempts, not a hundred.
    expect(a.t.stats.sendFailures).to.be.within(2, 6);
  });

  it('delivers again once the peer is back at a new URL', async () => {
    const a = await fixture().member('a', { maxQueuedMessages: 1000 });
    a.t.addPeer('b', await fixture().deadUrl());
    for (let i = 0; i < 100_000; i++) a.t.send([heartbeat('a', 'b', i)]);
    await eventually(() => a.unreachable.length > 0, 'an unreachable report');

    const b = await fixture().member('b');
    a.t.updatePeer('b', b.t.url);
    expect(a.t.peerUrl('b')).to.equal(b.t.url);
    a.t.send([heartbeat('a', 'b', -1)]);
    await eventually(() => b.inbox.some((m) => m.type === 'heartbeat' && m.commit === -1), 'delivery after recovery', 2_000);
    await eventually(() => a.t.stats.messagesSent === b.inbox.length, 'the sender to count what arrived');
  });

  it('does not wait out a back-off after updatePeer', async () => {
    const a = await fixture().member('a');
    a.t.addPeer('b', await fixture().deadUrl());
    // Fail for 1.2 s: the back-offs so far are 50+100+200+400 ms, and the loop is now in an 800 ms one.
    const started = Date.now();
    while (Date.now() - started < 1_200) {
      a.t.send([heartbeat('a', 'b', 0)]);
      await new Promise((r) => setTimeout(r, 10));
    }
    const b = await fixture().member('b');
    a.t.send([heartbeat('a', 'b', 7)]);
    const switched = Date.now();
    a.t.updatePeer('b', b.t.url);
    await eventually(() => b.inbox.some((m) => m.type === 'heartbeat' && m.commit === 7), 'delivery at the new URL');
    expect(Date.now() - switched).to.be.below(300);
  });

  it('removePeer drops the peer, after which sending to it is harmless', async () => {
    const { a, b } = await fixture().pair();
    a.t.removePeer('b');
    a.t.removePeer('b');
    expect(a.t.peerUrl('b')).to.equal(undefined);
    a.t.send([heartbeat('a', 'b', 1)]);
    await new Promise((r) => setTimeout(r, 50));
    expect(b.inbox).to.have.length(0);
    expect(a.t.stats.messagesSent).to.equal(0);
    a.t.addPeer('b', b.t.url);
    a.t.send([heartbeat('a', 'b', 2)]);
    await eventually(() => b.inbox.length === 1, 'delivery after adding the peer back');
  });

  it('does not send to itself', async () => {
    const a = await fixture().member('a');
    a.t.addPeer('a', a.t.url);
    a.t.send([heartbeat('a', 'a', 1)]);
    await new Promise((r) => setTimeout(r, 50));
    expect(a.inbox).to.have.length(0);
  });
});
