import { expect } from 'chai';
import { request } from 'undici';
import { HttpTransport } from '../../src/transport/index.js';
import { eventually, heartbeat, snap, useFixture } from './fixture.js';

describe('transport: start and stop', () => {
  const fixture = useFixture();

  it('listens on the port the OS chose and says so in url', async () => {
    const a = await fixture().member('a');
    expect(a.t.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(a.t.url).port)).to.be.greaterThan(0);
  });

  it('stop() is idempotent, concurrent calls share it, and send() afterwards is a no-op', async () => {
    const { a, b } = await fixture().pair();
    a.t.send([heartbeat('a', 'b', 1)]);
    await eventually(() => b.inbox.length === 1, 'a first message');
    const first = a.t.stop();
    const second = a.t.stop();
    expect(second).to.equal(first);
    await first;
    await a.t.stop();
    a.t.send([heartbeat('a', 'b', 2)]);
    a.t.addPeer('c', b.t.url);
    expect(a.t.peerUrl('c')).to.equal(undefined);
    await new Promise((r) => setTimeout(r, 50));
    expect(b.inbox).to.have.length(1);
  });

  it('stops serving: peers get connection errors, not answers', async () => {
    const { a, b } = await fixture().pair();
    // Open a keep-alive connection to b first; stop() must close it too.
    a.t.send([heartbeat('a', 'b', 1)]);
    await eventually(() => b.inbox.length === 1, 'a first message');
    await b.t.stop();
    let failed = false;
    try {
      await request(`${b.t.url}/raft/v1/faults`);
    } catch {
      failed = true;
    }
    expect(failed).to.equal(true);
    a.t.send([heartbeat('a', 'b', 2)]);
    await eventually(() => a.unreachable.length > 0, 'a sees b gone');
  });

  it('stop() returns promptly with a snapshot and a batch stuck on a peer that never answers', async () => {
    const a = await fixture().member('a');
    a.t.addPeer('h', await fixture().hungUrl());
    a.t.send([snap('a', 'h', new Uint8Array(1024)), heartbeat('a', 'h', 1)]);
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await a.t.stop();
    expect(Date.now() - started).to.be.below(500);
    // A stopped transport reports nothing more to its driver.
    await new Promise((r) => setTimeout(r, 20));
    expect(a.snapshotStatus).to.have.length(0);
  });

  it('stop() before start() is harmless, and a stopped transport does not start again', async () => {
    const t = new HttpTransport({ id: 'x', host: '127.0.0.1', port: 0 });
    await t.stop();
    let error: unknown;
    await t.start().catch((err: unknown) => (error = err));
    expect(error).to.be.instanceOf(Error);
    expect(() => t.url).to.throw(/not started/);
  });

  it('start() on a port in use rejects', async () => {
    const a = await fixture().member('a');
    const clash = new HttpTransport({ id: 'y', host: '127.0.0.1', port: Number(new URL(a.t.url).port) });
    let error: unknown;
    await clash.start().catch((err: unknown) => (error = err));
    await clash.stop();
    expect((error as NodeJS.ErrnoException | undefined)?.code).to.equal('EADDRINUSE');
  });
});
