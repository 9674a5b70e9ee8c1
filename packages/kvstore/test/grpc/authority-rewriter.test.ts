import http2 from 'node:http2';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { expect } from 'chai';
import { hostPort, withRepairedAuthority } from '../../src/api/grpc/authority-rewriter.js';

/**
 * Node's HTTP/2 server resets a stream whose :authority is a URL, which Go's gRPC client
 * sends. Behind withRepairedAuthority a plain node:http2 server sees host:port instead.
 */
describe('gRPC: repairing the :authority of Go clients', () => {
  let listener: Server;
  let h2: http2.Http2Server;
  let port: number;
  const seen: { authority: string; big: number }[] = [];

  before(async () => {
    h2 = http2.createServer();
    h2.on('stream', (stream, headers) => {
      seen.push({ authority: String(headers[':authority']), big: String(headers['x-big'] ?? '').length });
      stream.respond({ ':status': 200 });
      stream.end('ok');
    });
    listener = createServer((socket) => h2.emit('connection', withRepairedAuthority(socket)));
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()));
    port = (listener.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise((r) => listener.close(r));
    h2.close();
  });

  it('cuts a URL authority down to host:port', () => {
    expect(hostPort('http://127.0.0.1:12379')).to.equal('127.0.0.1:12379');
    expect(hostPort('https://[::1]:12379/')).to.equal('[::1]:12379');
    expect(hostPort('127.0.0.1:12379')).to.equal('127.0.0.1:12379');
  });

  for (const form of ['URL', 'host:port'] as const)
  it(`serves every request of a connection whose authority is a ${form}, header blocks split over CONTINUATION frames included`, async () => {
    seen.length = 0;
    const client = http2.connect(`http://127.0.0.1:${port}`);
    const authority = form === 'URL' ? `http://127.0.0.1:${port}` : `127.0.0.1:${port}`;
    try {
      const call = (extra: Record<string, string> = {}) =>
        new Promise<number>((resolve, reject) => {
          const req = client.request({ ':path': '/', ':authority': authority, ...extra });
          let status = 0;
          req.on('response', (h) => (status = Number(h[':status'])));
          req.on('end', () => resolve(status));
          req.on('error', reject);
          req.resume();
          req.end();
        });
      // Repeated requests reuse the client's HPACK table entries; the big one spans frames.
      const statuses = [await call(), await call(), await call({ 'x-big': 'b'.repeat(40_000) }), await call()];
      expect(statuses).to.deep.equal([200, 200, 200, 200]);
      expect(seen.map((s) => s.authority)).to.deep.equal(Array(4).fill(`127.0.0.1:${port}`));
      expect(seen[2].big).to.equal(40_000);
    } finally {
      await new Promise<void>((r) => client.close(() => r()));
    }
  });
});
