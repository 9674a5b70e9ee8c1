import { expect } from 'chai';
import net from 'node:net';
import { EtcdClientError, KvClient, type WatchEvent } from '../../src/client/index.js';
import { clusterWithClient } from './client-fixture.js';

const text = (b: Uint8Array) => Buffer.from(b).toString();

async function waitFor(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('kvstore client connections', function () {
  this.timeout(60_000);

  describe('with many watches open on one client', () => {
    const WATCHES = 8;
    const fixture = clusterWithClient();

    it('puts, gets and txns still complete, and every watch sees its own events', async () => {
      const { client } = fixture;
      const start = (await client.put('before-many', 'x')).header.revision + 1;
      const seen: WatchEvent[][] = Array.from({ length: WATCHES }, () => []);
      const watches = seen.map((events, i) => client.watch(`many/${i}/`, { prefix: true, startRevision: start }, (e) => events.push(...e)));
      try {
        await waitFor('every watch to hold its own stream', () => client.openStreams === WATCHES);
        for (let round = 0; round < 3; round++) {
          for (let i = 0; i < WATCHES; i++) await client.put(`many/${i}/k${round}`, `v${round}`);
        }
        const listed = await client.get('many/', { prefix: true, countOnly: true });
        expect(listed.count).to.equal(WATCHES * 3);
        const swapped = await client.txn({
          compare: [{ key: Buffer.from('many/0/k0').toString('base64'), target: 'VALUE', result: 'EQUAL', value: Buffer.from('v0').toString('base64') }],
          success: [{ request_put: { key: Buffer.from('many/0/k0').toString('base64'), value: Buffer.from('swapped').toString('base64') } }],
        });
        expect(swapped.succeeded).to.equal(true);
        expect(text((await client.get('many/0/k0')).kvs[0].value)).to.equal('swapped');
        // Many unary requests at once, more than the unary pool's connections, while the watches stay open.
        const concurrent = await Promise.all(Array.from({ length: 20 }, (_, n) => client.get(`many/${n % WATCHES}/`, { prefix: true })));
        expect(concurrent.every((r) => r.kvs.length === 3)).to.equal(true);

        await waitFor('every watch to see its puts', () => seen.every((events, i) => events.length === (i === 0 ? 4 : 3)));
        seen.forEach((events, i) => {
          const expected = [`many/${i}/k0`, `many/${i}/k1`, `many/${i}/k2`, ...(i === 0 ? ['many/0/k0'] : [])];
          expect(events.map((e) => text(e.kv.key))).to.deep.equal(expected);
        });
        expect(client.openStreams).to.equal(WATCHES);
      } finally {
        watches.forEach((w) => w.cancel());
        await Promise.all(watches.map((w) => w.done));
      }
      expect(client.openStreams).to.equal(0);
    });
  });

  describe('the command timeout', () => {
    let silent: net.Server;
    const sockets = new Set<net.Socket>();
    before(async () => {
      // A member that accepts connections and never answers: every request waits.
      silent = net.createServer((s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    });
    after(async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise((r) => silent.close(r));
    });

    it('covers the time a request waits for a connection, not only the time it is sent', async () => {
      const { port } = silent.address() as net.AddressInfo;
      const client = new KvClient({ endpoints: [`http://127.0.0.1:${port}`], commandTimeoutMs: 500 });
      try {
        // More requests than the unary pool has connections: some wait in its queue.
        const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, n) => client.get(`k${n}`)));
        for (const outcome of outcomes) {
          expect(outcome.status).to.equal('rejected');
          const error = (outcome as PromiseRejectedResult).reason as EtcdClientError;
          expect(error).to.be.instanceOf(EtcdClientError);
          expect(error.message).to.equal('context deadline exceeded');
          expect(error.code).to.equal(4);
        }
      } finally {
        await client.close();
      }
    });
  });
});
