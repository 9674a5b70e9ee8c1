import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUR_ETCDCTL, Server, has, type Outcome } from './servers.js';

/**
 * ETCDCTL_API=2: etcdctl 3.4's v2 command line (`set`, `get`, `ls`, `mk`, ...), ours and
 * etcd's run side by side. etcd 3.4 serves the v2 API only with --enable-v2, our kvstore
 * not at all: against those both print the same error; against a v2-enabled etcd each
 * runs the same session on a fresh server of its own and must print the same bytes.
 */

const v2 = (kind: 'ours' | 'etcd', args: readonly string[], input = ''): Outcome => {
  const env: NodeJS.ProcessEnv = { ...process.env, ETCDCTL_API: '2' };
  delete env.ETCDCTL_ENDPOINTS;
  const r = kind === 'etcd' ? spawnSync('etcdctl', args, { env, input, encoding: 'utf8' }) : spawnSync(process.execPath, [OUR_ETCDCTL, ...args], { env, input, encoding: 'utf8' });
  return { stdout: r.stdout.replace(/\b3\.4\.\d+\b/g, '<VERSION>'), stderr: r.stderr, code: r.status ?? -1 };
};

/** Both etcdctls on the same command line; the list of those that differ. */
function compare(lines: readonly (readonly string[])[], endpoint = (kind: 'ours' | 'etcd') => [] as string[]): string[] {
  const differences: string[] = [];
  for (const args of lines) {
    const [real, ours] = (['etcd', 'ours'] as const).map((kind) => v2(kind, [...endpoint(kind), ...args]));
    if (JSON.stringify(real) !== JSON.stringify(ours)) differences.push(`etcdctl ${args.join(' ')}\n  etcd: ${JSON.stringify(real)}\n  ours: ${JSON.stringify(ours)}`);
  }
  return differences;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A single-member etcd that serves the v2 API (--enable-v2), in a temp folder. */
class V2Etcd {
  private constructor(
    readonly endpoint: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {}

  static async start(): Promise<V2Etcd> {
    const dir = await mkdtemp(join(tmpdir(), 'flotilla-etcdctl-v2-'));
    const client = `http://127.0.0.1:${await freePort()}`;
    const peer = `http://127.0.0.1:${await freePort()}`;
    const child = spawn('etcd', ['--enable-v2=true', '--name=m', `--data-dir=${join(dir, 'data')}`, `--listen-client-urls=${client}`, `--advertise-client-urls=${client}`, `--listen-peer-urls=${peer}`, `--initial-advertise-peer-urls=${peer}`, `--initial-cluster=m=${peer}`], { stdio: 'ignore' });
    const server = new V2Etcd(client, child, dir);
    for (const until = Date.now() + 15_000; ; ) {
      try {
        if ((await fetch(`${client}/v2/keys/`)).status === 200) return server;
      } catch {
        // not up yet
      }
      if (Date.now() > until) {
        await server.stop();
        throw new Error('etcd --enable-v2 did not start');
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await exited;
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}

describe('etcdctl with ETCDCTL_API=2', function () {
  this.timeout(120_000);
  before(function () {
    if (!has('etcd') || !has('etcdctl', 'version')) {
      console.log('      (etcd / etcdctl not installed: skipped; .ci/run installs them)');
      this.skip();
    }
  });

  it("prints urfave/cli's help, version and usage errors as etcdctl's v2 command line does", () => {
    const lines = [[], ['--help'], ['-h', 'set'], ['help'], ['h'], ['help', 'set'], ['help', 'ls'], ['help', 'bogus'], ['-v'], ['bogus'], ['put', 'a', 'b'], ['--bogus'], ['--timeout=x', 'ls']];
    const commands = ['set', 'get', 'ls', 'mk', 'mkdir', 'rm', 'rmdir', 'update', 'updatedir', 'setdir'];
    const usage = [...commands.map((c) => [c, '--help']), ['set', '--bogus', 'a', 'b'], ['set', 'a', 'b', '--ttl=x'], ['ls', '-r=maybe'], ['rm', '-h']];
    const differences = compare([...lines, ...usage]);
    expect(differences, differences.join('\n')).to.deep.equal([]);
  });

  it('reports an unreachable cluster as etcdctl does (exit 2), and endpoints Go cannot parse', async () => {
    const closed = await freePort();
    const lines = [['set', 'k', 'v'], ['ls'], ['get', 'k'], ['mk', 'k', 'v'], ['--no-sync', 'mk', 'k', 'v'], ['--no-sync', 'rm', 'k'], ['--no-sync', 'get', 'k']];
    const differences = [
      ...compare(lines, () => [`--endpoints=http://127.0.0.1:${closed}`]),
      ...compare([['set', 'k', 'v'], ['mk', 'k', 'v']], () => [`--endpoints=127.0.0.1:${closed}`]),
      ...compare([['set', 'k', 'v'], ['--no-sync', 'rm', 'k']], () => [`--endpoints=localhost:${closed}`]),
    ];
    expect(differences, differences.join('\n')).to.deep.equal([]);
  });

  describe('against servers without the v2 API', () => {
    let etcd: Server | undefined;
    let ours: Server | undefined;
    before(async () => {
      [etcd, ours] = await Promise.all([Server.start('etcd'), Server.start('ours')]);
    });
    after(async () => {
      await Promise.all([etcd?.stop(), ours?.stop()]);
    });

    it("fails each key command as etcdctl does: the answer is not v2's JSON (exit 4); the arguments are checked after the sync", () => {
      const lines = [['set', 'foo', 'bar'], ['ls'], ['ls', '/'], ['get', 'foo'], ['mk', 'a', 'b'], ['mkdir', 'd'], ['rm', 'foo'], ['update', 'a', 'b'], ['-o', 'json', 'set', 'a', 'b'], ['--no-sync', 'set'], ['set', 'a'], ['get']];
      for (const server of [etcd!, ours!]) {
        const differences = compare(lines, () => [`--endpoints=http://${server.endpoint}`]);
        expect(differences, differences.join('\n')).to.deep.equal([]);
      }
    });
  });

  describe('against etcd --enable-v2', () => {
    const servers: V2Etcd[] = [];
    before(async () => {
      servers.push(...(await Promise.all([V2Etcd.start(), V2Etcd.start()])));
    });
    after(async () => {
      await Promise.all(servers.map((s) => s.stop()));
    });

    it('runs the same session and prints the same bytes: set, get, ls, mk, mkdir, rm, rmdir, update, setdir, in each output format', () => {
      const session: [args: string[], input?: string][] = [
        [['set', 'foo', 'bar']],
        [['get', 'foo']],
        [['-o', 'extended', 'set', 'foo', 'baz']],
        [['-o', 'json', 'set', 'foo', 'x <&>']],
        [['set', 'fromstdin'], 'piped value'],
        [['mk', 'foo', 'y']],
        [['mk', 'newk', 'y']],
        [['-o', 'json', 'mk', 'newk2', 'z']],
        [['mkdir', 'd']],
        [['mkdir', 'd']],
        [['setdir', 'd2']],
        [['-o', 'extended', 'mkdir', 'd3']],
        [['set', 'd/a', '1']],
        [['set', 'd/b', '2']],
        [['set', 'd/sub/c', '3']],
        [['ls', '--sort']],
        [['ls', '-r', '--sort']],
        [['ls', '--sort', '-p']],
        [['ls', '/d', '-r', '-p', '--sort']],
        [['-o', 'json', 'ls', '--sort', '/d']],
        [['get', 'd']],
        [['get', 'nosuch']],
        [['-o', 'json', 'get', 'nosuch']],
        [['-o', 'extended', 'get', 'foo']],
        [['update', 'foo', 'v2']],
        [['update', 'nosuch', 'v']],
        [['updatedir', 'd']],
        [['rm', 'foo']],
        [['-o', 'json', 'rm', 'newk']],
        [['rm', 'd']],
        [['rmdir', 'd2']],
        [['rm', '-r', 'd']],
        [['set', '--swap-with-value', 'wrong', 'newk2', 'v2']],
        [['set', 'newk2', 'v2', '--swap-with-value', 'z']],
        [['set', '--swap-with-index', '1', 'newk2', 'v3']],
        [['mk', '--in-order', 'q', 'first']],
        [['--no-sync', 'ls', '/q']],
        [['set', 'sp ace/a?b#c', 'v']],
        [['ls', '--sort', '-r']],
        [['-o', 'bogus', 'get', 'newk2']],
        [['set', '--', '-dash', '-value']],
        [['get', '--', '-dash']],
      ];
      const differences: string[] = [];
      for (const [args, input] of session) {
        const [real, ours] = servers.map((s, i) => v2(i === 0 ? 'etcd' : 'ours', [`--endpoints=${s.endpoint}`, ...args], input));
        if (JSON.stringify(real) !== JSON.stringify(ours)) differences.push(`etcdctl ${args.join(' ')}\n  etcd: ${JSON.stringify(real)}\n  ours: ${JSON.stringify(ours)}`);
      }
      expect(differences, differences.join('\n')).to.deep.equal([]);
    });
  });
});
