import { Readable } from 'node:stream';
import { expect } from 'chai';
import { request } from 'undici';
import { encodeMessages } from '../../src/transport/index.js';
import { eventually, heartbeat, snap, useFixture } from './fixture.js';

describe('transport: snapshots', () => {
  const fixture = useFixture();

  it('streams a 5 MB snapshot intact and reports success', async () => {
    const { a, b } = await fixture().pair();
    const data = new Uint8Array(5 * 1024 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 12)) & 0xff;
    a.t.send([snap('a', 'b', data)]);
    await eventually(() => a.snapshotStatus.length === 1, 'snapshot status', 10_000);
    expect(a.snapshotStatus).to.deep.equal([['b', true]]);
    expect(b.inbox).to.have.length(1);
    const got = b.inbox[0];
    if (got.type !== 'snap') throw new Error(`expected snap, got ${got.type}`);
    expect(got.snapshot.metadata).to.deep.equal({ index: 100, term: 2, confState: { voters: ['a', 'b'], learners: [] } });
    expect(got.snapshot.data).to.be.instanceOf(Uint8Array);
    expect(Buffer.from(got.snapshot.data).equals(Buffer.from(data))).to.equal(true);
    expect(a.t.stats.snapshotsSent).to.equal(1);
    expect(b.t.stats.snapshotsReceived).to.equal(1);
  });

  it('does not hold up the messages sent alongside it', async () => {
    const { a, b } = await fixture().pair();
    a.t.send([snap('a', 'b', new Uint8Array(8 * 1024 * 1024)), heartbeat('a', 'b', 1)]);
    await eventually(() => a.snapshotStatus.length === 1 && b.inbox.length === 2, 'both arrivals', 10_000);
    expect(b.inbox.map((m) => m.type).sort()).to.deep.equal(['heartbeat', 'snap']);
  });

  it('reports failure for a snapshot to a dead peer', async () => {
    const a = await fixture().member('a');
    a.t.addPeer('b', await fixture().deadUrl());
    a.t.send([snap('a', 'b', new Uint8Array(10))]);
    await eventually(() => a.snapshotStatus.length === 1, 'snapshot status');
    expect(a.snapshotStatus).to.deep.equal([['b', false]]);
    expect(a.t.stats.sendFailures).to.equal(1);
  });

  it('reports failure for a snapshot to an unknown peer, after send() returns', async () => {
    const a = await fixture().member('a');
    a.t.send([snap('a', 'zz', new Uint8Array(10))]);
    expect(a.snapshotStatus).to.have.length(0);
    await eventually(() => a.snapshotStatus.length === 1, 'snapshot status');
    expect(a.snapshotStatus).to.deep.equal([['zz', false]]);
  });

  it('refuses a snapshot over the size limit, and the sender reports failure', async () => {
    const { a, b } = await fixture().pair({ maxBodyBytes: 64 * 1024 });
    a.t.send([snap('a', 'b', new Uint8Array(256 * 1024))]);
    await eventually(() => a.snapshotStatus.length === 1, 'snapshot status');
    expect(a.snapshotStatus).to.deep.equal([['b', false]]);
    expect(b.inbox).to.have.length(0);
    const res = await request(`${b.t.url}/raft/v1/snapshot`, { method: 'POST', body: Buffer.from(encodeMessages([snap('a', 'b', new Uint8Array(128 * 1024))])) });
    expect(res.statusCode).to.equal(413);
    expect(await res.body.text()).to.match(/larger than 65536 bytes/);
    // The limit costs the sender nothing else: small messages still flow.
    a.t.send([heartbeat('a', 'b', 1)]);
    await eventually(() => b.inbox.length === 1, 'a message after the refusal');
  });

  it('stops reading a body without a length once it passes the limit', async () => {
    const { a, b } = await fixture().pair({ maxBodyBytes: 64 * 1024 });
    const body = Buffer.from(encodeMessages([snap('a', 'b', new Uint8Array(1024 * 1024))]));
    // A stream has no content-length, so the server only learns the size as it reads.
    const outcome = await request(`${b.t.url}/raft/v1/snapshot`, { method: 'POST', body: Readable.from([body.subarray(0, 512 * 1024), body.subarray(512 * 1024)]) }).then(
      async (res) => `HTTP ${res.statusCode}: ${await res.body.text()}`,
      // The server may drop the connection before the client has read its answer.
      (err: Error) => `connection error: ${err.message}`,
    );
    expect(outcome).to.match(/^HTTP 413: body larger than 65536 bytes|^connection error/);
    expect(b.inbox).to.have.length(0);
    a.t.send([heartbeat('a', 'b', 1)]);
    await eventually(() => b.inbox.length === 1, 'a message after the refusal');
  });

  it('answers 400 to a snapshot body that is not exactly one snap message', async () => {
    const { b } = await fixture().pair();
    const post = async (body: Uint8Array) => {
      const res = await request(`${b.t.url}/raft/v1/snapshot`, { method: 'POST', body });
      return { status: res.statusCode, text: await res.body.text() };
    };
    const two = await post(encodeMessages([snap('a', 'b', new Uint8Array(1)), snap('a', 'b', new Uint8Array(1))]));
    expect(two).to.deep.equal({ status: 400, text: 'a snapshot body must hold exactly one snap message\n' });
    expect((await post(encodeMessages([heartbeat('a', 'b', 1)]))).status).to.equal(400);
    const noData = await post(encodeMessages([{ ...snap('a', 'b', new Uint8Array(1)), snapshot: { metadata: { index: 1 } } } as never]));
    expect(noData.text).to.match(/snapshot\.data bytes/);
    expect((await post(encodeMessages([snap('a', 'c', new Uint8Array(1))]))).status).to.equal(400);
    expect(b.inbox).to.have.length(0);
  });
});
