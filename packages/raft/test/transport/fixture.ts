import { createServer, type Server, type Socket } from 'node:net';
import type { Message, MsgSnap, NodeId } from '../../src/core/index.js';
import { HttpTransport, type HttpTransportOptions } from '../../src/transport/index.js';

/** Polls `check` until it holds; real sockets give no event to wait on. */
export async function eventually(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const heartbeat = (from: NodeId, to: NodeId, commit: number): Message => ({ type: 'heartbeat', from, to, term: 1, commit, context: '' });

export function snap(from: NodeId, to: NodeId, data: Uint8Array): MsgSnap {
  return { type: 'snap', from, to, term: 2, snapshot: { metadata: { index: 100, term: 2, confState: { voters: [from, to], learners: [] } }, data } };
}

/** A started transport and what it has received and reported. */
export interface Member {
  readonly t: HttpTransport;
  readonly inbox: Message[];
  readonly unreachable: NodeId[];
  readonly snapshotStatus: [NodeId, boolean][];
}

/** Transports and sockets of one test, all closed by `cleanUp` (afterEach), so mocha can exit on its own. */
export class Fixture {
  private readonly transports: HttpTransport[] = [];
  private readonly servers: Server[] = [];
  private readonly sockets = new Set<Socket>();

  async member(id: NodeId, opts: Partial<HttpTransportOptions> = {}): Promise<Member> {
    const t = new HttpTransport({ id, host: '127.0.0.1', port: 0, ...opts });
    this.transports.push(t);
    await t.start();
    const m: Member = { t, inbox: [], unreachable: [], snapshotStatus: [] };
    t.onMessage((msg) => m.inbox.push(msg));
    t.onUnreachable((p) => m.unreachable.push(p));
    t.onSnapshotStatus((p, ok) => m.snapshotStatus.push([p, ok]));
    return m;
  }

  /** Two members that know each other. */
  async pair(opts: Partial<HttpTransportOptions> = {}): Promise<{ a: Member; b: Member }> {
    const a = await this.member('a', opts);
    const b = await this.member('b', opts);
    a.t.addPeer('b', b.t.url);
    b.t.addPeer('a', a.t.url);
    return { a, b };
  }

  /** A URL nothing listens on: connections are refused. */
  async deadUrl(): Promise<string> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return `http://127.0.0.1:${port}`;
  }

  /** A peer that accepts connections and reads everything but never answers. */
  async hungUrl(): Promise<string> {
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.resume();
    });
    this.servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  async cleanUp(): Promise<void> {
    await Promise.all(this.transports.map((t) => t.stop()));
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

/** A fresh Fixture per test, cleaned up after it. Call inside a describe(). */
export function useFixture(): () => Fixture {
  let fixture: Fixture | undefined;
  beforeEach(() => {
    fixture = new Fixture();
  });
  afterEach(async () => {
    await fixture?.cleanUp();
    fixture = undefined;
  });
  return () => {
    if (!fixture) throw new Error('fixture used outside a test');
    return fixture;
  };
}
