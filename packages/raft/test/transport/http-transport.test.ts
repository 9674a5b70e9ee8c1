import { expect } from 'chai';
import { request } from 'undici';
import { EntryType, type Message, type NodeId } from '../../src/core/index.js';
import { HttpTransport, encodeMessages } from '../../src/transport/index.js';

async function eventually(check: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const heartbeat = (from: NodeId, to: NodeId, commit: number): Message => ({ type: 'heartbeat', from, to, term: 1, commit, context: '' });

describe('HttpTransport', function () {
  this.timeout(15_000);
  let started: HttpTransport[];

  beforeEach(() => {
    started = [];
  });
  afterEach(async () => {
    for (const t of started) await t.stop();
  });

  async function transport(id: NodeId): Promise<{ t: HttpTransport; inbox: Message[] }> {
    const t = new HttpTransport({ id, host: '127.0.0.1', port: 0, maxQueuedMessages: 1000 });
    await t.start();
    started.push(t);
    const inbox: Message[] = [];
    t.onMessage((m) => inbox.push(m));
    return { t, inbox };
  }

  async function pair() {
    const a = await transport('a');
    const b = await transport('b');
    a.t.addPeer('b', b.t.url);
    b.t.addPeer('a', a.t.url);
    return { a, b };
  }

  it('delivers batches in order, entry bytes intact', async () => {
    const { a, b } = await pair();
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
    await eventually(() => b.inbox.length === 201, 5_000, '201 messages');
    const got = b.inbox[0];
    expect(got.type).to.equal('app');
    if (got.type !== 'app') return;
    expect(got.entries[0].data).to.be.instanceOf(Uint8Array);
    expect([...got.entries[0].data]).to.deep.equal([...data]);
    expect(b.inbox.slice(1).map((m) => (m.type === 'heartbeat' ? m.commit : -1))).to.deep.equal(Array.from({ length: 200 }, (_, i) => i));
    expect(a.t.stats.messagesSent).to.equal(201);
  });

  it('ignores messages addressed to another member', async () => {
    const { a, b } = await pair();
    a.t.send([{ ...heartbeat('a', 'b', 1) }]);
    // Sent through b's peer entry, but addressed to "c": b must not hand it on.
    a.t.addPeer('c', b.t.url);
    a.t.send([heartbeat('a', 'c', 2), heartbeat('a', 'b', 3)]);
    await eventually(() => b.inbox.length === 2, 5_000, 'two messages');
    expect(b.inbox.map((m) => m.to)).to.deep.equal(['b', 'b']);
  });

  it('answers a malformed body with 400 and keeps serving', async () => {
    const { a, b } = await pair();
    const bad = await request(`${b.t.url}/raft/v1/messages`, { method: 'POST', body: Buffer.from([0xc1, 0xff, 0x00]) });
    expect(bad.statusCode).to.equal(400);
    await bad.body.dump();
    const wrongShape = await request(`${b.t.url}/raft/v1/messages`, { method: 'POST', body: Buffer.from(encodeMessages([{ nope: 1 } as unknown as Message])) });
    expect(wrongShape.statusCode).to.equal(400);
    expect(await wrongShape.body.text()).to.match(/string type, from and to/);
    a.t.send([heartbeat('a', 'b', 9)]);
    await eventually(() => b.inbox.length === 1, 5_000, 'a good message after bad ones');
  });

  it('reports an unreachable peer, bounds its queue, and recovers when it comes back', async () => {
    const a = await transport('a');
    const unreachable: NodeId[] = [];
    a.t.onUnreachable((p) => unreachable.push(p));
    const ghost = await transport('b');
    const deadUrl = ghost.t.url;
    await ghost.t.stop();
    a.t.addPeer('b', deadUrl);
    for (let i = 0; i < 100_000; i++) a.t.send([heartbeat('a', 'b', i)]);
    await eventually(() => unreachable.length > 0, 5_000, 'an unreachable report');
    expect(a.t.stats.droppedQueueFull).to.be.greaterThan(90_000);

    const b = await transport('b');
    a.t.updatePeer('b', b.t.url);
    // What was still queued flows once the peer is back; then new traffic does too.
    await eventually(() => b.inbox.length > 0, 5_000, 'queued messages after recovery');
    await eventually(() => a.t.stats.messagesSent === b.inbox.length, 5_000, 'the queue to drain');
    a.t.send([heartbeat('a', 'b', -1)]);
    await eventually(() => b.inbox.some((m) => m.type === 'heartbeat' && m.commit === -1), 5_000, 'delivery after recovery');
  });

  it('streams a large snapshot and reports the outcome', async () => {
    const { a, b } = await pair();
    const statuses: [NodeId, boolean][] = [];
    a.t.onSnapshotStatus((p, ok) => statuses.push([p, ok]));
    const data = new Uint8Array(5 * 1024 * 1024);
    for (let i = 0; i < data.length; i += 4096) data[i] = (i / 4096) % 251;
    a.t.send([{ type: 'snap', from: 'a', to: 'b', term: 2, snapshot: { metadata: { index: 100, term: 2, confState: { voters: ['a', 'b'], learners: [] } }, data } }]);
    await eventually(() => statuses.length === 1, 10_000, 'snapshot status');
    expect(statuses).to.deep.equal([['b', true]]);
    const got = b.inbox[0];
    expect(got.type).to.equal('snap');
    if (got.type === 'snap') expect(Buffer.compare(Buffer.from(got.snapshot.data), Buffer.from(data))).to.equal(0);
  });

  it('reports a failed snapshot to a dead peer', async () => {
    const a = await transport('a');
    const ghost = await transport('b');
    const deadUrl = ghost.t.url;
    await ghost.t.stop();
    a.t.addPeer('b', deadUrl);
    const statuses: boolean[] = [];
    a.t.onSnapshotStatus((_, ok) => statuses.push(ok));
    a.t.send([{ type: 'snap', from: 'a', to: 'b', term: 2, snapshot: { metadata: { index: 1, term: 1, confState: { voters: ['a'], learners: [] } }, data: new Uint8Array(10) } }]);
    await eventually(() => statuses.length === 1, 5_000, 'snapshot status');
    expect(statuses).to.deep.equal([false]);
  });

  describe('fault injection', () => {
    it('a partition drops traffic both ways; heal restores it', async () => {
      const { a, b } = await pair();
      a.t.faults.partition('b');
      a.t.send([heartbeat('a', 'b', 1)]);
      b.t.send([heartbeat('b', 'a', 1)]);
      await eventually(() => a.t.stats.droppedByFault === 2, 5_000, 'both directions dropped');
      expect(a.inbox).to.have.length(0);
      expect(b.inbox).to.have.length(0);
      a.t.faults.heal();
      a.t.send([heartbeat('a', 'b', 2)]);
      b.t.send([heartbeat('b', 'a', 2)]);
      await eventually(() => a.inbox.length === 1 && b.inbox.length === 1, 5_000, 'traffic after heal');
    });

    it('an asymmetric fault drops only one direction', async () => {
      const { a, b } = await pair();
      a.t.faults.set({ blockedOutgoing: ['b'] });
      a.t.send([heartbeat('a', 'b', 1)]);
      b.t.send([heartbeat('b', 'a', 1)]);
      await eventually(() => a.inbox.length === 1, 5_000, 'b to a still works');
      expect(a.t.stats.droppedByFault).to.equal(1);
      expect(b.inbox).to.have.length(0);
    });

    it('drop=1 loses every message', async () => {
      const { a, b } = await pair();
      a.t.faults.set({ drop: 1 });
      a.t.send(Array.from({ length: 50 }, (_, i) => heartbeat('a', 'b', i)));
      await eventually(() => a.t.stats.droppedByFault === 50, 5_000, 'all dropped');
      expect(b.inbox).to.have.length(0);
    });

    it('is switched over HTTP with PUT /raft/v1/faults, and bad input gets 400', async () => {
      const { a, b } = await pair();
      const put = async (body: string) => {
        const res = await request(`${b.t.url}/raft/v1/faults`, { method: 'PUT', body });
        return { status: res.statusCode, text: await res.body.text() };
      };
      const ok = await put('{"partitioned":["a"]}');
      expect(ok.status).to.equal(200);
      expect(JSON.parse(ok.text).partitioned).to.deep.equal(['a']);
      a.t.send([heartbeat('a', 'b', 1)]);
      await eventually(() => b.t.stats.droppedByFault === 1, 5_000, 'dropped by b');
      expect((await put('not json')).status).to.equal(400);
      expect((await put('{"drop":7}')).text).to.match(/drop must be a number in \[0, 1\]/);
      expect((await put('{"explode":true}')).text).to.match(/unknown fault "explode"/);
      const state = await request(`${b.t.url}/raft/v1/faults`);
      expect(JSON.parse(await state.body.text()).partitioned).to.deep.equal(['a']);
      expect((await put('{"heal":true}')).status).to.equal(200);
      a.t.send([heartbeat('a', 'b', 2)]);
      await eventually(() => b.inbox.length === 1, 5_000, 'delivery after heal');
    });
  });

  it('removing a peer and stopping twice are harmless', async () => {
    const { a } = await pair();
    a.t.removePeer('b');
    a.t.send([heartbeat('a', 'b', 1)]);
    await a.t.stop();
    await a.t.stop();
    a.t.send([heartbeat('a', 'b', 2)]);
    expect(a.t.stats.messagesSent).to.equal(0);
  });
});
