import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { MemberProcess, type MemberCommand } from './member-process.js';

/**
 * A port nobody listens on now: the OS picks it for a throw-away listener. Members must know
 * each other's URLs before any starts, so they cannot bind port 0 themselves.
 */
export function unusedPort(): Promise<number> {
  const probe = createServer();
  return new Promise((resolve, reject) => {
    probe.once('error', reject);
    probe.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const localUrl = (port: number) => `http://127.0.0.1:${port}`;

/** How long a member may take to answer /health with a leader after a (re)start. */
const HEALTHY_TIMEOUT_MS = 20_000;
const HEALTH_POLL_MS = 50;
/** Cluster starts tried, each on new ports, when a member could not bind its port. */
const START_ATTEMPTS = 3;

/**
 * A cluster of member processes on 127.0.0.1 with every data dir under one temp folder. It starts,
 * kills, pauses, restarts and replaces members by their process handles; `stop` ends them all and
 * removes the folder.
 */
export class LocalCluster {
  private constructor(
    readonly root: string,
    readonly members: MemberProcess[],
  ) {}

  /**
   * Starts `size` members on ports the OS chose. A port can be taken between the choice and the
   * bind (as some connection's source port) and stay taken; a start that fails while a member
   * could not bind is tried again from scratch on new ports.
   */
  static async start(size: number, command: MemberCommand, prefix = 'flotilla-chaos-'): Promise<LocalCluster> {
    for (let attempt = 1; ; attempt++) {
      const root = await mkdtemp(join(tmpdir(), prefix));
      const members: MemberProcess[] = [];
      for (let i = 0; i < size; i++) {
        const name = `m${i}`;
        members.push(new MemberProcess({ name, clientUrl: localUrl(await unusedPort()), peerUrl: localUrl(await unusedPort()), dataDir: join(root, name) }, command));
      }
      const cluster = new LocalCluster(root, members);
      try {
        for (const m of members) m.start(cluster.initialCluster(), 'new');
        await cluster.waitHealthy();
        return cluster;
      } catch (err) {
        const portTaken = members.some((m) => m.addressInUseFailures > 0);
        await cluster.stop();
        if (!portTaken || attempt >= START_ATTEMPTS) throw err;
      }
    }
  }

  get clientUrls(): string[] {
    return this.members.map((m) => m.spec.clientUrl);
  }

  /** `--initial-cluster` with every member's current peer URL. */
  initialCluster(): string {
    return this.members.map((m) => `${m.spec.name}=${m.spec.peerUrl}`).join(',');
  }

  /** Waits until each running member (or just `only`) answers /health with a leader. */
  async waitHealthy(only?: MemberProcess, timeoutMs = HEALTHY_TIMEOUT_MS): Promise<void> {
    const until = performance.now() + timeoutMs;
    for (const m of only ? [only] : this.members.filter((x) => x.running)) {
      while (!(await isHealthy(m.spec.clientUrl))) {
        if (performance.now() > until) throw new Error(`${m.spec.name} did not become healthy in ${timeoutMs} ms:\n${m.log}`);
        await new Promise((r) => setTimeout(r, HEALTH_POLL_MS));
      }
    }
  }

  /** Starts a stopped member again on its data dir (its data intact). */
  restart(m: MemberProcess): void {
    if (!m.running) m.start(this.initialCluster(), 'existing');
  }

  /**
   * Brings a removed member back as a new one: its data dir wiped, a new peer URL (so a new member
   * ID), the same client URL, joining with --initial-cluster-state existing. The caller has already
   * added the new peer URL with member add.
   */
  async rejoinWiped(m: MemberProcess, newPeerUrl: string): Promise<void> {
    await m.stop('SIGKILL');
    await rm(m.spec.dataDir, { recursive: true, force: true });
    m.spec.peerUrl = newPeerUrl;
    m.start(this.initialCluster(), 'existing');
  }

  /** Stops every member by its handle (continuing paused ones), then removes the data dirs. */
  async stop(): Promise<void> {
    await Promise.all(this.members.map((m) => m.stop('SIGTERM')));
    await rm(this.root, { recursive: true, force: true });
  }

  /** A peer URL for a replacement member. */
  static async newPeerUrl(): Promise<string> {
    return localUrl(await unusedPort());
  }
}

async function isHealthy(clientUrl: string): Promise<boolean> {
  try {
    const res = await request(`${clientUrl}/health`, { headersTimeout: 1000, bodyTimeout: 1000 });
    const body = (await res.body.json()) as { health?: string };
    return body.health === 'true';
  } catch {
    return false;
  }
}
