import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { request } from 'undici';
import { freePort } from '../cluster/process-cluster.js';

/** The `etcd` executable on PATH, or undefined when etcd is not installed here. */
export function findEtcd(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'etcd');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

interface EtcdMember {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  child: ChildProcess | undefined;
  log: string;
}

/** Keeps the last part of a member's output, enough to explain a failed start. */
const LOG_TAIL = 20_000;

/**
 * A real etcd cluster run as child processes on free 127.0.0.1 ports, with every data dir
 * under one temp folder. It is the reference the parity suite compares kvstore against.
 */
export class EtcdCluster {
  private readonly members: EtcdMember[] = [];
  private constructor(
    private readonly bin: string,
    private readonly root: string,
    private readonly extraArgs: readonly string[],
  ) {}

  /** Client URLs, in member order. */
  get clientUrls(): readonly string[] {
    return this.members.map((m) => m.clientUrl);
  }

  /** `extraArgs` come last, so they override the flags below (Go's flag package keeps the last value). */
  static async start(bin: string, size = 3, timeoutMs = 20_000, extraArgs: readonly string[] = []): Promise<EtcdCluster> {
    const c = new EtcdCluster(bin, await mkdtemp(join(tmpdir(), 'flotilla-etcd-parity-')), extraArgs);
    for (let i = 0; i < size; i++) {
      const clientUrl = `http://127.0.0.1:${await freePort()}`;
      const peerUrl = `http://127.0.0.1:${await freePort()}`;
      c.members.push({ name: `etcd${i}`, clientUrl, peerUrl, child: undefined, log: '' });
    }
    try {
      for (const m of c.members) c.launch(m);
      await c.waitHealthy(timeoutMs);
    } catch (err) {
      await c.stop();
      throw err;
    }
    return c;
  }

  private launch(m: EtcdMember): void {
    const initialCluster = this.members.map((x) => `${x.name}=${x.peerUrl}`).join(',');
    const args = [
      '--name', m.name,
      '--data-dir', join(this.root, m.name),
      '--listen-client-urls', m.clientUrl,
      '--advertise-client-urls', m.clientUrl,
      '--listen-peer-urls', m.peerUrl,
      '--initial-advertise-peer-urls', m.peerUrl,
      '--initial-cluster', initialCluster,
      '--initial-cluster-state', 'new',
      '--initial-cluster-token', `parity-${process.pid}`,
      '--heartbeat-interval', '100',
      '--election-timeout', '1000',
      '--logger', 'zap',
      '--log-level', 'warn',
      ...this.extraArgs,
    ];
    // ETCD_* variables would override or clash with the flags above.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ETCD_')));
    const child = spawn(this.bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const keep = (d: Buffer) => (m.log = (m.log + d.toString()).slice(-LOG_TAIL));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.once('error', (err) => keep(Buffer.from(`spawn failed: ${err.message}\n`)));
    m.child = child;
  }

  /** Every member answers GET /health with {"health":"true"} (3.4's body), so a leader exists. */
  private async waitHealthy(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (const m of this.members) {
      for (;;) {
        if (!m.child || m.child.exitCode !== null) throw new Error(`${m.name} exited early:\n${m.log}`);
        try {
          const res = await request(`${m.clientUrl}/health`);
          const body = (await res.body.json()) as { health?: string };
          if (body.health === 'true') break;
        } catch {
          // not listening yet
        }
        if (Date.now() > until) throw new Error(`${m.name} not healthy in ${timeoutMs} ms:\n${m.log}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** Stops every member by its handle, then removes the data dirs. */
  async stop(): Promise<void> {
    await Promise.all(this.members.map((m) => stopChild(m)));
    await rm(this.root, { recursive: true, force: true });
  }
}

async function stopChild(m: EtcdMember): Promise<void> {
  const child = m.child;
  m.child = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
