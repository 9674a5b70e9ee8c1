import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterStatus } from '../../src/cluster/status.js';

const FLOTILLA = fileURLToPath(new URL('../../src/cluster/main.js', import.meta.url));

export interface CommandRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv, options: { timeoutMs?: number; stdin?: string } = {}): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
    child.stdin!.end(options.stdin ?? '');
  });
}

/**
 * A whole flotilla cluster for end-to-end tests: `flotilla up --ports=auto` as a child process
 * with its data in a temp folder, the real kubectl on its admin kubeconfig, and the launcher's
 * own commands (status, kill). stop() sends the launcher SIGINT (it stops every process it
 * started) and removes the folder.
 */
export class FlotillaCluster {
  private output = '';

  private constructor(
    readonly dataDir: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout!.on('data', (d: Buffer) => (this.output += d.toString('utf8')));
    child.stderr!.on('data', (d: Buffer) => (this.output += d.toString('utf8')));
  }

  static async start(args: readonly string[], timeoutMs = 240_000): Promise<FlotillaCluster> {
    const dataDir = await mkdtemp(join(tmpdir(), 'flotilla-e2e-'));
    const child = spawn(process.execPath, [FLOTILLA, 'up', '--ports=auto', `--data-dir=${dataDir}`, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: if the launcher fails to stop its children, the group is killed by this handle.
      detached: true,
    });
    const cluster = new FlotillaCluster(dataDir, child);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`flotilla up was not ready in ${timeoutMs / 1000} s:\n${cluster.output}`)), timeoutMs);
        const check = () => {
          if (cluster.output.includes('Ctrl-C (or flotilla down) stops the cluster')) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout!.on('data', check);
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`flotilla up exited (${code}) before the cluster was ready:\n${cluster.output}`));
        });
      });
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** Everything the launcher printed so far. */
  get log(): string {
    return this.output;
  }

  get adminKubeconfig(): string {
    return join(this.dataDir, 'kubeconfig', 'admin.kubeconfig');
  }

  kubectl(args: readonly string[], options: { timeoutMs?: number; stdin?: string } = {}): Promise<CommandRun> {
    return run('kubectl', ['--kubeconfig', this.adminKubeconfig, '--cache-dir', join(this.dataDir, 'kubectl-cache'), ...args], { PATH: process.env.PATH ?? '', HOME: this.dataDir }, options);
  }

  /** Runs kubectl and fails with its output unless it exits 0. */
  async kubectlOk(args: readonly string[], options: { timeoutMs?: number; stdin?: string } = {}): Promise<string> {
    const r = await this.kubectl(args, options);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  flotilla(args: readonly string[]): Promise<CommandRun> {
    return run(process.execPath, [FLOTILLA, ...args, `--data-dir=${this.dataDir}`], process.env);
  }

  async status(): Promise<ClusterStatus> {
    const r = await this.flotilla(['status', '-o', 'json']);
    if (r.code !== 0) throw new Error(`flotilla status exited ${r.code}: ${r.stderr}${r.stdout}`);
    return JSON.parse(r.stdout) as ClusterStatus;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGINT');
      const timer = setTimeout(() => process.kill(-this.child.pid!, 'SIGKILL'), 90_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

/** Polls `check` until it returns a value (not undefined) or the time is up; the error says what was awaited and the last answer. */
export async function eventually<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${(last as Error).message ?? last}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
