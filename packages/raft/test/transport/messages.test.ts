import { expect } from 'chai';
import { request } from 'undici';
import { EntryType, type Message } from '../../src/core/index.js';
import { encodeMessages } from '../../src/transport/index.js';
import { eventually, heartbeat, useFixture } from './fixture.js';

describe('transport: message batches', () => {
  const fixture = useFixture();

  it('delivers a batch in order, entry bytes intact', async () => {
    const { a, b } = await fixture().pair();
    const data = Uint8Array.from({ length: 300 }, (_, i) => i % 256);
    const app: Message = {
      type: 'app',
      from: 'a',
      to: 'b',
      term: 3,
      index: 7,
      logTerm: 2,
      commit: 6,
      entries: [{ term: 3, index: 8, type: EntryType.Normal, data }],
    };
    a.t.send([app, ...Array.from({ length: 200 }, (_, i) => heartbeat('a', 'b', i))]);
    await eventually(() => b.inbox.length === 201, '201 messages');
    const got = b.inbox[0];
    if (got.type !== 'app') throw new Error(`expected app first, got ${got.type}`);
    expect(got.entries[0].data).to.be.instanceOf(Uint8Array);
    expect(Buffer.from(got.entries[0].data).equals(Buffer.from(data))).to.equal(true);
    expect(got).to.deep.include({ from: 'a', to: 'b', term: 3, index: 7, logTerm: 2, commit: 6 });
    expect(b.inbox.slice(1).map((m) => (m.type === 'heartbeat' ? m.commit : -1))).to.deep.equal(Array.from({ length: 200 }, (_, i) => i));
    await eventually(() => a.t.stats.messagesSent === 201, 'the sender to count the batch');
    expect(b.t.stats.messagesReceived).to.equal(201);
    expect(b.t.stats.bytesReceived).to.equal(a.t.stats.bytesSent);
  });

  it('sends what one send() call queues as batches of at most 1024 messages', async () => {
    const { a, b } = await fixture().pair({ maxQueuedMessages: 4096 });
    let posts = 0;
    a.t.onRoundTrip(() => posts++);
    a.t.send(Array.from({ length: 3000 }, (_, i) => heartbeat('a', 'b', i)));
    await eventually(() => b.inbox.length === 3000 && a.t.stats.messagesSent === 3000, 'all 3000 messages');
    expect(posts).to.equal(3);
    expect(b.inbox.map((m) => (m.type === 'heartbeat' ? m.commit : -1))).to.deep.equal(Array.from({ length: 3000 }, (_, i) => i));
  });

  it('caps a batch at about 4 MiB of entry data', async () => {
    const { a, b } = await fixture().pair();
    let posts = 0;
    a.t.onRoundTrip(() => posts++);
    const mib = new Uint8Array(1024 * 1024);
    const app = (index: number): Message => ({ type: 'app', from: 'a', to: 'b', term: 1, index, logTerm: 1, commit: 0, entries: [{ term: 1, index: index + 1, type: EntryType.Normal, data: mib }] });
    a.t.send(Array.from({ length: 8 }, (_, i) => app(i)));
    await eventually(() => b.inbox.length === 8 && a.t.stats.messagesSent === 8, 'eight 1 MiB messages');
    // 1 MiB and a little each: three fit under the cap, a fourth would not.
    expect(posts).to.equal(3);
  });

  it('ignores messages addressed to another member', async () => {
    const { a, b } = await fixture().pair();
    // "c" routes to b's URL, but b must not hand on a message that is not addressed to it.
    a.t.addPeer('c', b.t.url);
    a.t.send([heartbeat('a', 'c', 2), heartbeat('a', 'b', 3)]);
    await eventually(() => b.inbox.length === 1 && a.t.stats.messagesSent === 2, 'one delivered message');
    expect(b.inbox.map((m) => m.to)).to.deep.equal(['b']);
    expect(b.t.stats.messagesReceived).to.equal(1);
  });

  it('answers a malformed body with 400 and a reason, and keeps serving', async () => {
    const { a, b } = await fixture().pair();
    const post = async (body: Uint8Array) => {
      const res = await request(`${b.t.url}/raft/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/msgpack' }, body });
      return { status: res.statusCode, text: await res.body.text() };
    };
    const garbage = await post(Buffer.from([0xc1, 0xff, 0x00]));
    expect(garbage.status).to.equal(400);
    expect(garbage.text).to.match(/malformed msgpack/);
    expect((await post(encodeMessages([{ nope: 1 } as unknown as Message]))).text).to.match(/string type, from and to, and a numeric term/);
    expect((await post(Buffer.from(new Uint8Array([0x2a])))).text).to.match(/must be an array/);
    expect((await post(new Uint8Array(0))).status).to.equal(400);
    a.t.send([heartbeat('a', 'b', 9)]);
    await eventually(() => b.inbox.length === 1, 'a good message after bad ones');
  });

  it('answers 500 when the message handler throws, delivers the rest, and keeps serving', async () => {
    const { a, b } = await fixture().pair();
    const seen: number[] = [];
    b.t.onMessage((m) => {
      const commit = m.type === 'heartbeat' ? m.commit : -1;
      if (commit === 1) throw new Error('driver bug');
      seen.push(commit);
    });
    a.t.send([heartbeat('a', 'b', 0), heartbeat('a', 'b', 1), heartbeat('a', 'b', 2)]);
    await eventually(() => a.t.stats.sendFailures === 1, 'the failed batch');
    expect(seen).to.deep.equal([0, 2]);
    expect(a.unreachable).to.deep.equal(['b']);
    a.t.send([heartbeat('a', 'b', 3)]);
    await eventually(() => seen.includes(3), 'delivery after the failure');
  });

  it('answers unknown routes with 404 and wrong methods with 405', async () => {
    const { b } = await fixture().pair();
    const nowhere = await request(`${b.t.url}/raft/v2/elsewhere`);
    expect(nowhere.statusCode).to.equal(404);
    await nowhere.body.dump();
    const get = await request(`${b.t.url}/raft/v1/messages`);
    expect(get.statusCode).to.equal(405);
    await get.body.dump();
  });
});
