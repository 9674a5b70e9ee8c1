import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GoldenServer } from './golden.js';
import { etcdctl } from './servers.js';

const here = dirname(fileURLToPath(import.meta.url));
const KVSTORE = join(here, '..', '..', '..', 'kvstore', 'dist', 'src', 'cli', 'kvstore.js');

/** Ports the OS chose, all held at once so that none is handed out twice, then released. */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export interface ClusterOptions {
  readonly size: number;
  /** Extra server flags, given to every member (e.g. --quota-backend-bytes=1). */
  readonly flags?: readonly string[];
}

/**
 * A cluster of `size` members, ours (`kvstore`) or real etcd, on OS-chosen ports with data
 * in one temp folder. Its names call member i's endpoint `<ENDPOINT i>`, its peer URL
 * `<PEER i>` and its ID `<MEMBER i>` (i from 1); with one member, plain `<ENDPOINT>`,
 * `<PEER>`, `<MEMBER>` as the single-server sessions do. `--endpoints` gets them all.
 */
export class Cluster implements GoldenServer {
  private constructor(
    readonly kind: 'ours' | 'etcd',
    readonly clients: readonly string[],
    readonly peers: readonly string[],
    readonly dir: string,
    private readonly children: ChildProcess[],
  ) {}

  get endpoint(): string {
    return this.clients.join(',');
  }

  static async start(kind: 'ours' | 'etcd', options: ClusterOptions): Promise<Cluster> {
    const dir = await mkdtemp(join(tmpdir(), `flotilla-etcdctl-cluster-${kind}-`));
    const ports = await freePorts(options.size * 2);
    const clients = ports.slice(0, options.size).map((p) => `127.0.0.1:${p}`);
    const peers = ports.slice(options.size).map((p) => `http://127.0.0.1:${p}`);
    const initial = peers.map((p, i) => `m${i + 1}=${p}`).join(',');
    const children = clients.map((client, i) => {
      const flags = [
        `--name=m${i + 1}`,
        `--data-dir=${join(dir, `m${i + 1}`)}`,
        `--listen-client-urls=http://${client}`,
        `--advertise-client-urls=http://${client}`,
        `--listen-peer-urls=${peers[i]}`,
        `--initial-advertise-peer-urls=${peers[i]}`,
        `--initial-cluster=${initial}`,
        ...(options.flags ?? []),
      ];
      return kind === 'etcd' ? spawn('etcd', flags, { stdio: 'ignore' }) : spawn(process.execPath, [KVSTORE, ...flags, '--log-level=error'], { stdio: 'ignore' });
    });
    const cluster = new Cluster(kind, clients, peers, dir, children);
    try {
      await cluster.waitHealthy(30_000);
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** Every member answers /health with a leader. */
  private async waitHealthy(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const healthy = await Promise.all(
        this.clients.map(async (c) => {
          try {
            const body = (await (await fetch(`http://${c}/health`, { signal: AbortSignal.timeout(2_000) })).json()) as { health: string };
            return body.health === 'true';
          } catch {
            return false;
          }
        }),
      );
      if (healthy.every(Boolean)) return;
      if (Date.now() > until) throw new Error(`${this.kind} cluster did not become healthy`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Member i's ID, from its own status. */
  memberId(i: number): bigint {
    const text = etcdctl(this.kind, this.clients[i], ['endpoint', 'status', '-w', 'json']).stdout;
    return BigInt(/"member_id":(\d+)/.exec(text)![1]);
  }

  names(): Map<string, string> {
    const text = etcdctl(this.kind, this.clients[0], ['endpoint', 'status', '-w', 'json']).stdout;
    const cluster = BigInt(/"cluster_id":(\d+)/.exec(text)![1]);
    const suffix = (i: number) => (this.clients.length === 1 ? '' : ` ${i + 1}`);
    const names = new Map<string, string>();
    this.clients.forEach((client, i) => {
      const id = this.memberId(i);
      names.set(client, `<ENDPOINT${suffix(i)}>`);
      names.set(this.peers[i], `<PEER${suffix(i)}>`);
      names.set(id.toString(16), `<MEMBER${suffix(i)}>`);
      names.set(id.toString(), `<MEMBER${suffix(i)}>`);
    });
    names.set(cluster.toString(), '<CLUSTER>');
    names.set(cluster.toString(16), '<CLUSTER>');
    names.set(this.dir, '<DIR>');
    return names;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map((child) => {
        if (child.exitCode !== null || child.signalCode !== null) return undefined;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        return exited;
      }),
    );
    await rm(this.dir, { recursive: true, force: true });
  }
}
