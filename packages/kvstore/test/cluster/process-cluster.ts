import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'kvstore.js');

/**
 * A free port: the OS picks it (listen on 0) and we release it for the member to use.
 * Members must know each other's URLs before they start, so they cannot bind 0 themselves.
 */
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

export interface ProcessMember {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  /** More peer URLs this member advertises besides peerUrl (nothing needs to listen there). */
  readonly extraPeerUrls?: readonly string[];
  process: ChildProcess | undefined;
  log: string;
}

/** Calls the JSON gateway; returns the HTTP status and the parsed body. */
export async function gw(url: string, path: string, body: unknown = {}): Promise<{ status: number; body: Record<string, any> }> {
  const res = await request(`${url}${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : {} };
}

export const b64 = (s: string) => Buffer.from(s).toString('base64');
export const unb64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString();

/** A member could not bind the port chosen for it. */
class PortTakenError extends Error {}

export interface StartOptions {
  /** More peer URLs for some members, by name. */
  readonly extraPeerUrls?: Readonly<Record<string, readonly string[]>>;
  /** Runs once ports and data dirs are chosen, before any member starts (to lay out data dirs). */
  readonly beforeLaunch?: (cluster: ProcessCluster) => Promise<void>;
}

/** A cluster of real `kvstore` processes on 127.0.0.1, with data in a temp folder. */
export class ProcessCluster {
  readonly members: ProcessMember[] = [];
  private constructor(readonly root: string) {}

  /**
   * Starts a new cluster. A port the OS chose can be taken (as some other connection's source
   * port) before the member binds it, and held for as long as that connection lives: then the
   * whole start is tried again on new ports, since the founders' URLs cannot change.
   */
  static async start(size = 3, extraFlags: string[] = [], options: StartOptions = {}): Promise<ProcessCluster> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await ProcessCluster.startOnce(size, extraFlags, options);
      } catch (err) {
        if (attempt >= 3 || !(err instanceof PortTakenError)) throw err;
      }
    }
  }

  private static async startOnce(size: number, extraFlags: string[], options: StartOptions): Promise<ProcessCluster> {
    const c = new ProcessCluster(await mkdtemp(join(tmpdir(), 'flotilla-kv-cluster-')));
    for (let i = 0; i < size; i++) {
      const name = `m${i}`;
      c.members.push({ name, clientUrl: `http://127.0.0.1:${await freePort()}`, peerUrl: `http://127.0.0.1:${await freePort()}`, extraPeerUrls: options.extraPeerUrls?.[name], process: undefined, log: '' });
    }
    c.extraFlags = extraFlags;
    try {
      await options.beforeLaunch?.(c);
      for (const m of c.members) c.launch(m);
      await c.waitHealthy();
      await c.waitNamesPublished();
    } catch (err) {
      await c.stop();
      throw c.members.some((m) => m.log.includes('EADDRINUSE')) ? new PortTakenError(String(err)) : err;
    }
    return c;
  }

  /** The data dir a member runs on. */
  dataDir(m: ProcessMember): string {
    return join(this.root, m.name);
  }

  /** `--initial-cluster` as the members are started with it. */
  get initialCluster(): Map<string, string[]> {
    return new Map(this.members.map((m) => [m.name, [m.peerUrl, ...(m.extraPeerUrls ?? [])]]));
  }

  private extraFlags: string[] = [];

  /** Adds a member process that joins the running cluster (after `member add` through the API). */
  async join(name: string, peerUrl: string): Promise<ProcessMember> {
    const m: ProcessMember = { name, clientUrl: `http://127.0.0.1:${await freePort()}`, peerUrl, process: undefined, log: '' };
    this.members.push(m);
    this.launch(m, ['--initial-cluster-state=existing']);
    return m;
  }

  private launch(m: ProcessMember, extra: string[] = [], attempt = 0): void {
    const urlsOf = (x: ProcessMember) => [x.peerUrl, ...(x.extraPeerUrls ?? [])];
    const initial = this.members.flatMap((x) => urlsOf(x).map((u) => `${x.name}=${u}`)).join(',');
    const args = [
      BIN,
      `--name=${m.name}`,
      `--data-dir=${this.dataDir(m)}`,
      `--listen-client-urls=${m.clientUrl}`,
      `--advertise-client-urls=${m.clientUrl}`,
      `--listen-peer-urls=${m.peerUrl}`,
      `--initial-advertise-peer-urls=${urlsOf(m).join(',')}`,
      `--initial-cluster=${initial}`,
      // etcd's defaults: a shorter election timeout sees leader changes on a busy 2-core machine.
      '--heartbeat-interval=100',
      '--election-timeout=1000',
      '--log-level=warn',
      ...this.extraFlags,
      ...extra,
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (m.log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => {
      m.log += d.toString();
      output += d.toString();
    });
    // A port the OS chose can be taken again (as some connection's source port) by the time a
    // member restarts on it: that launch fails at once with EADDRINUSE, so try again shortly.
    child.once('exit', (code) => {
      if (m.process !== child || code === 0 || !output.includes('EADDRINUSE') || attempt >= 50) return;
      setTimeout(() => m.process === child && this.launch(m, extra, attempt + 1), 100);
    });
    m.process = child;
  }

  /** Every running member answers /health with a leader. */
  async waitHealthy(timeoutMs = 15_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (const m of this.members.filter((x) => x.process)) {
      for (;;) {
        try {
          const res = await request(`${m.clientUrl}/health`, { headersTimeout: 2000, bodyTimeout: 2000 });
          const body = (await res.body.json()) as { health: string };
          if (body.health === 'true') break;
        } catch {
          // not listening yet
        }
        if (Date.now() > until) throw new Error(`${m.name} not healthy in time:\n${m.log}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /**
   * Every founder is listed under its name. A member publishes its name through Raft once it is
   * up, as etcd's do; until then member list shows it nameless, which tests should not meet.
   */
  async waitNamesPublished(timeoutMs = 15_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    const wanted = this.members.map((m) => m.name);
    for (;;) {
      try {
        const { body } = await gw(this.members[0].clientUrl, '/v3/cluster/member/list');
        const names = new Set(((body.members ?? []) as { name?: string }[]).map((m) => m.name));
        if (wanted.every((n) => names.has(n))) return;
      } catch {
        // a member restarting
      }
      if (Date.now() > until) throw new Error(`members not all named in time: want ${wanted.join(', ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async leader(): Promise<ProcessMember> {
    for (;;) {
      for (const m of this.members.filter((x) => x.process)) {
        try {
          const { body } = await gw(m.clientUrl, '/v3/maintenance/status');
          if (body.leader && body.leader === body.header.member_id) return m;
        } catch {
          // down or starting
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async kill(m: ProcessMember, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = m.process;
    if (!child) return;
    m.process = undefined;
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }

  restart(m: ProcessMember): void {
    this.launch(m);
  }

  async stop(): Promise<void> {
    for (const m of this.members) await this.kill(m, 'SIGTERM');
    await rm(this.root, { recursive: true, force: true });
  }
}
