import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { eventually } from './control-plane.js';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/**
 * A component binary (kube-controller-manager, kube-scheduler, ...) as a child process: started
 * with its flags, ready once it printed `<component> serving on <url>`, stopped by its own handle.
 */
export class ComponentProcess {
  stderr = '';

  private constructor(
    readonly component: string,
    readonly child: ChildProcess,
    readonly url: string,
  ) {}

  /** `script` is relative to dist/src, e.g. controllers/main.js. */
  static async start(component: string, script: string, args: readonly string[]): Promise<ComponentProcess> {
    const child = spawn(process.execPath, [join(SRC, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      const url = await eventually(() => {
        if (child.exitCode !== null) throw new Error(`${component} exited ${child.exitCode}: ${stderr}`);
        return new RegExp(`^${component} serving on (http://\\S+)$`, 'm').exec(stdout)?.[1];
      }, 60_000, `${component} to serve`);
      const proc = new ComponentProcess(component, child, url);
      proc.stderr = stderr;
      child.stderr!.on('data', (d: Buffer) => (proc.stderr += d.toString()));
      return proc;
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** GET a path of its HTTP endpoint: status and body ('' and 0 when it does not answer). */
  async get(path: string): Promise<{ status: number; text: string }> {
    try {
      const res = await request(`${this.url}${path}`, { headersTimeout: 2000, bodyTimeout: 2000 });
      return { status: res.statusCode, text: await res.body.text() };
    } catch {
      return { status: 0, text: '' };
    }
  }

  /** Whether its /metrics says it holds its leader-election Lease (false when it does not answer). */
  async isLeader(): Promise<boolean> {
    const metrics = await this.get('/metrics');
    return new RegExp(`^leader_election_master_status\\{name="${this.component}"\\} 1$`, 'm').test(metrics.text);
  }

  /** Sends the signal and waits for the exit; answers the exit code (null when killed by the signal). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (!this.running) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.kill(signal);
    return exited;
  }
}
