import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** One program the launcher runs, e.g. master-2's kube-apiserver. */
export interface ProcessSpec {
  /** The machine it belongs to: master-N or worker-N (what `flotilla kill master-2` names). */
  readonly host: string;
  /** kvstore, kube-apiserver, kube-scheduler, kube-controller-manager, kubelet or kube-proxy. */
  readonly component: string;
  readonly script: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly env?: Record<string, string>;
}

export interface ProcessState {
  readonly host: string;
  readonly component: string;
  readonly pid?: number;
  readonly restarts: number;
  readonly running: boolean;
  /** The URL the process printed once serving (`... serving on URL` / `... listening on URL`). */
  readonly url?: string;
}

export interface SupervisorOptions {
  /** How long after an unexpected exit the process is started again (doubles while it keeps failing fast, up to 30 s). */
  readonly restartDelayMs: number;
  /** Called whenever a process starts, prints its URL or exits, so the state file stays current. */
  readonly onChange: () => void;
  /** A line for the user: restarts and unexpected exits. */
  readonly report: (line: string) => void;
}

const ServingLine = /(?:serving|listening) on (\S+)/;
const StableAfterMs = 60_000;
/** How long an exit waits before it counts as a crash (see start()). */
const ExitSettleMs = 300;
const MaxRestartDelayMs = 30_000;

/**
 * Keeps one program running: started again after it dies (a kill -9 from `flotilla kill` or
 * chaos), until stop(). Invariant: at most one child per ManagedProcess is alive at a time.
 */
export class ManagedProcess {
  private child: ChildProcess | undefined;
  private log: WriteStream;
  private restarts = 0;
  private url: string | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private delayMs: number;
  private urlWaiters: ((url: string) => void)[] = [];
  /** Set by killHard: how long the next restart waits instead of the usual delay. */
  private downForMs: number | undefined;

  constructor(
    readonly spec: ProcessSpec,
    private readonly options: SupervisorOptions,
  ) {
    this.delayMs = options.restartDelayMs;
    this.log = createWriteStream(spec.logFile, { flags: 'a' });
  }

  get name(): string {
    return `${this.spec.host}/${this.spec.component}`;
  }

  state(): ProcessState {
    return {
      host: this.spec.host,
      component: this.spec.component,
      pid: this.child?.pid,
      restarts: this.restarts,
      running: this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null,
      url: this.url,
    };
  }

  start(): void {
    if (this.stopping) return;
    const startedAt = Date.now();
    const child = spawn(process.execPath, [this.spec.script, ...this.spec.args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...this.spec.env },
    });
    this.child = child;
    child.stderr!.pipe(this.log, { end: false });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.log.write(line + '\n');
      const m = ServingLine.exec(line);
      if (m) {
        this.url = m[1];
        for (const w of this.urlWaiters.splice(0)) w(m[1]);
        this.options.onChange();
      }
    });
    child.once('exit', (code, signal) => {
      this.log.write(`--- ${this.spec.component} exited (${signal ?? `code ${code}`}) ---\n`);
      this.options.onChange();
      // Ctrl-C in a terminal signals the whole process group: children may exit a moment before
      // the launcher hears its own SIGINT, so the restart decision waits briefly for that.
      setTimeout(() => this.restartAfterExit(startedAt, code, signal), ExitSettleMs);
    });
    child.once('error', (err) => this.options.report(`${this.name} could not start: ${err.message}`));
    this.options.onChange();
  }

  private restartAfterExit(startedAt: number, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping) return;
    // A process that ran for a while earns the short delay back; one that keeps dying waits longer.
    this.delayMs = Date.now() - startedAt > StableAfterMs ? this.options.restartDelayMs : Math.min(this.delayMs * 2, MaxRestartDelayMs);
    const delay = this.downForMs ?? (this.restarts === 0 ? this.options.restartDelayMs : this.delayMs);
    this.downForMs = undefined;
    this.options.report(`${this.name} exited (${signal ?? `code ${code}`}); starting it again in ${(delay / 1000).toFixed(1)} s`);
    this.restartTimer = setTimeout(() => {
      this.restarts++;
      this.start();
    }, delay);
  }

  /** No more restarts: the cluster is stopping (the process itself is stopped by stop()). */
  holdRestarts(): void {
    this.stopping = true;
    clearTimeout(this.restartTimer);
  }

  /** The URL once the process has printed it (at once if it already has). */
  servingUrl(timeoutMs: number): Promise<string> {
    if (this.url) return Promise.resolve(this.url);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not report serving within ${timeoutMs / 1000} s; see ${this.spec.logFile}`)), timeoutMs);
      this.urlWaiters.push((url) => {
        clearTimeout(timer);
        resolve(url);
      });
    });
  }

  /** kill -9, as a crashed machine; the process is started again after `downForMs` (default: the restart delay). */
  killHard(downForMs?: number): number | undefined {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return undefined;
    this.downForMs = downForMs;
    child.kill('SIGKILL');
    return child.pid;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the child is gone. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => this.log.end(resolve));
  }
}
