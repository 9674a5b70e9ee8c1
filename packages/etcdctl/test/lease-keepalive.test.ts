import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { etcdctl, has, OUR_ETCDCTL, Server } from './servers.js';

type Kind = 'ours' | 'etcd';

/** A `lease keep-alive` left running: its stdout as it comes, and how it ended. */
class KeepAlive {
  stdout = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  constructor(kind: Kind, endpoint: string, args: readonly string[]) {
    const argv = [`--endpoints=${endpoint}`, 'lease', 'keep-alive', ...args];
    this.child = kind === 'etcd' ? spawn('etcdctl', argv, { env: { ...process.env, ETCDCTL_API: '3' } }) : spawn(process.execPath, [OUR_ETCDCTL, ...argv]);
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr!.resume();
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  async lines(n: number, timeoutMs: number): Promise<string[]> {
    const until = Date.now() + timeoutMs;
    while (this.stdout.split('\n').filter(Boolean).length < n) {
      if (Date.now() > until) throw new Error(`only ${JSON.stringify(this.stdout)} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.stdout.split('\n').filter(Boolean);
  }

  interrupt(): void {
    this.child.kill('SIGINT');
  }

  /** Whatever happened, the process does not outlive the test. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

describe('etcdctl lease keep-alive, left running', function () {
  this.timeout(60_000);
  const servers: Partial<Record<Kind, Server>> = {};
  const running: KeepAlive[] = [];
  before(async function () {
    if (!has('etcd') || !has('etcdctl', 'version')) this.skip();
    [servers.ours, servers.etcd] = await Promise.all([Server.start('ours'), Server.start('etcd')]);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((k) => k.stop()));
  });
  after(async () => {
    await Promise.all([servers.ours?.stop(), servers.etcd?.stop()]);
  });

  const grant = (kind: Kind, ttl: number) => /lease ([0-9a-f]{16}) granted/.exec(etcdctl(kind, servers[kind]!.endpoint, ['lease', 'grant', String(ttl)]).stdout)![1];

  /** What one etcdctl prints while a lease of 3 s is kept alive and then revoked. */
  async function keepAliveUntilRevoked(kind: Kind): Promise<{ lines: string[]; code: number | null; gapMs: number; id: string }> {
    const id = grant(kind, 3);
    const ka = new KeepAlive(kind, servers[kind]!.endpoint, [id]);
    running.push(ka);
    const first = await ka.lines(1, 5_000);
    const t0 = Date.now();
    await ka.lines(2, 5_000);
    const gapMs = Date.now() - t0;
    expect(first[0]).to.equal(`lease ${id} keepalived with TTL(3)`);
    expect(etcdctl(kind, servers[kind]!.endpoint, ['lease', 'revoke', id]).code).to.equal(0);
    const { code } = await ka.exited;
    return { lines: ka.stdout.split('\n').filter(Boolean).map((l) => l.replace(id, '<LEASE>')), code, gapMs, id };
  }

  it('renews every third of the TTL until the lease is revoked, then says it expired, as etcdctl does', async () => {
    // One after the other: the synchronous etcdctl runs of one would stall the clock of the other.
    for (const kind of ['etcd', 'ours'] as const) {
      const r = await keepAliveUntilRevoked(kind);
      expect(r.code).to.equal(0);
      expect(r.lines.at(-1)).to.equal('lease <LEASE> expired or revoked.');
      expect(r.lines.slice(0, -1)).to.satisfy((ls: string[]) => ls.length >= 2 && ls.every((l) => l === 'lease <LEASE> keepalived with TTL(3)'));
      // A third of 3 s, on clientv3's half-second tick.
      expect(r.gapMs).to.be.within(500, 2_000);
    }
  });

  it('prints each renewal in the chosen format', async () => {
    for (const kind of ['etcd', 'ours'] as const) {
      const id = grant(kind, 30);
      const ka = new KeepAlive(kind, servers[kind]!.endpoint, [id, '-w', 'json']);
      running.push(ka);
      const [line] = await ka.lines(1, 5_000);
      expect(line).to.match(new RegExp(`^\\{"cluster_id":\\d+,"member_id":\\d+,"revision":\\d+,"raft_term":\\d+,"ID":${BigInt(`0x${id}`)},"TTL":30\\}$`));
    }
  });

  it('dies of SIGINT, as etcdctl does', async () => {
    const ends = await Promise.all(
      (['etcd', 'ours'] as const).map(async (kind) => {
        const ka = new KeepAlive(kind, servers[kind]!.endpoint, [grant(kind, 60)]);
        running.push(ka);
        await ka.lines(1, 5_000);
        ka.interrupt();
        return ka.exited;
      }),
    );
    expect(ends).to.deep.equal([
      { code: null, signal: 'SIGINT' },
      { code: null, signal: 'SIGINT' },
    ]);
  });
});
