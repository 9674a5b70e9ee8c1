import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// npm and npx put node_modules/.bin first on PATH, and the `etcdctl` there is ours: every
// test that means the real etcdctl (or etcd) must not find it there.
process.env.PATH = (process.env.PATH ?? '')
  .split(':')
  .filter((dir) => !dir.includes('node_modules'))
  .join(':');

const here = dirname(fileURLToPath(import.meta.url));
export const OUR_ETCDCTL = join(here, '..', 'src', 'main.js');
const KVSTORE = join(here, '..', '..', '..', 'kvstore', 'dist', 'src', 'cli', 'kvstore.js');

/** A port the OS chose (listen on 0), released for a server that must know its URL before it starts. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export const has = (command: string, versionArg = '--version') => spawnSync(command, [versionArg]).status === 0;

/** One single-member server: ours (`kvstore`) or a real etcd, on free ports, data in a temp folder. */
export class Server {
  private constructor(
    readonly endpoint: string,
    readonly peer: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {}

  /**
   * `from` starts the server on a data dir laid out beforehand (a restored snapshot), with the
   * name and peer URL it was laid out for; that dir is the caller's to remove.
   */
  static async start(kind: 'ours' | 'etcd', from?: { readonly dataDir: string; readonly name: string; readonly peer: string }): Promise<Server> {
    const dir = await mkdtemp(join(tmpdir(), `flotilla-etcdctl-${kind}-`));
    const client = `http://127.0.0.1:${await freePort()}`;
    const peer = from?.peer ?? `http://127.0.0.1:${await freePort()}`;
    const name = from?.name ?? 'm';
    const dataDir = from?.dataDir ?? join(dir, 'data');
    const flags = [`--name=${name}`, `--data-dir=${dataDir}`, `--listen-client-urls=${client}`, `--advertise-client-urls=${client}`, `--listen-peer-urls=${peer}`, `--initial-advertise-peer-urls=${peer}`, `--initial-cluster=${name}=${peer}`];
    const child = kind === 'etcd' ? spawn('etcd', flags, { stdio: 'ignore' }) : spawn(process.execPath, [KVSTORE, ...flags, '--log-level=error'], { stdio: 'ignore' });
    const server = new Server(client.replace('http://', ''), peer, child, dir);
    const until = Date.now() + 15_000;
    for (;;) {
      try {
        const body = (await (await fetch(`${client}/health`)).json()) as { health: string };
        if (body.health === 'true') return server;
      } catch {
        // not up yet
      }
      if (Date.now() > until) {
        await server.stop();
        throw new Error(`${kind} server did not become healthy`);
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

export interface Outcome {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** Runs an etcdctl binary (ours via node, or the real one) against one endpoint. */
export function etcdctl(kind: 'ours' | 'etcd', endpoint: string, args: readonly string[], input = ''): Outcome {
  const argv = [`--endpoints=${endpoint}`, ...args];
  const r = kind === 'etcd' ? spawnSync('etcdctl', argv, { input, encoding: 'utf8', env: { ...process.env, ETCDCTL_API: '3' } }) : spawnSync(process.execPath, [OUR_ETCDCTL, ...argv], { input, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
}

/** etcdctl() without blocking, so that the real etcdctl and ours can run side by side. */
export function etcdctlAsync(kind: 'ours' | 'etcd', endpoint: string, args: readonly string[], input = ''): Promise<Outcome> {
  const argv = [`--endpoints=${endpoint}`, ...args];
  const child = kind === 'etcd' ? spawn('etcdctl', argv, { env: { ...process.env, ETCDCTL_API: '3' } }) : spawn(process.execPath, [OUR_ETCDCTL, ...argv]);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin!.on('error', () => undefined);
  child.stdin!.end(input);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ stdout, stderr, code: code ?? -1 }));
  });
}
