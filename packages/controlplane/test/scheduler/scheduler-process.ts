import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { eventually } from '../support/control-plane.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'scheduler', 'main.js');

/** A kube-scheduler child process, its URL once serving, and what it wrote to stderr. */
export class SchedulerProcess {
  stderr = '';

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(args: readonly string[]): Promise<SchedulerProcess> {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      const url = await eventually(() => {
        if (child.exitCode !== null) throw new Error(`kube-scheduler exited ${child.exitCode}: ${stderr}`);
        return /^kube-scheduler serving on (http:\/\/\S+)$/m.exec(stdout)?.[1];
      }, 60_000, 'kube-scheduler to serve');
      const proc = new SchedulerProcess(child, url);
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

  /** Whether its /metrics says it holds the lease (false when it does not answer). */
  async isLeader(): Promise<boolean> {
    try {
      const res = await request(`${this.url}/metrics`, { headersTimeout: 2000, bodyTimeout: 2000 });
      return /^leader_election_master_status\{name="kube-scheduler"\} 1$/m.test(await res.body.text());
    } catch {
      return false;
    }
  }

  /** Sends the signal and waits for the exit; answers the exit code (null when killed by the signal). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (!this.running) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.kill(signal);
    return exited;
  }
}
