import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `kvstore` member binary beside this tool (dist/src/cli/kvstore.js). */
export const KVSTORE_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'kvstore.js');

/** Where a member lives: its URLs and data dir. `peerUrl` changes when a member is replaced. */
export interface MemberSpec {
  readonly name: string;
  readonly clientUrl: string;
  peerUrl: string;
  readonly dataDir: string;
}

/**
 * How to run one member: ours (`node kvstore.js`) or a real etcd. Both take etcd's flags, so
 * only the executable, its leading arguments and a few extra flags differ.
 */
export interface MemberCommand {
  readonly executable: string;
  readonly leadingArgs: readonly string[];
  readonly extraFlags: readonly string[];
  /** Added to this process's environment (e.g. the test-only FLOTILLA_UNSAFE_FOLLOWER_READS). */
  readonly env?: Readonly<Record<string, string>>;
  /** The members' --heartbeat-interval and --election-timeout. */
  readonly timing: RaftTiming;
}

/** Raft timing in milliseconds, as etcd's --heartbeat-interval and --election-timeout take it. */
export interface RaftTiming {
  readonly heartbeatMs: number;
  readonly electionTimeoutMs: number;
}

/** etcd's defaults: what `kvstore chaos` starts members with unless told otherwise. */
export const ETCD_DEFAULT_TIMING: RaftTiming = { heartbeatMs: 100, electionTimeoutMs: 1000 };

/**
 * Half etcd's defaults, same ratio: quicker failovers for the tests and the comparison benchmark,
 * which need many of them in little time (ten times faster would be too twitchy on 2 cores).
 */
export const FAST_TIMING: RaftTiming = { heartbeatMs: 50, electionTimeoutMs: 500 };

export function kvstoreCommand(timing: RaftTiming, env?: Readonly<Record<string, string>>): MemberCommand {
  return { executable: process.execPath, leadingArgs: [KVSTORE_BIN], extraFlags: ['--log-level=warn'], env, timing };
}

export function etcdCommand(executable: string, timing: RaftTiming): MemberCommand {
  return { executable, leadingArgs: [], extraFlags: ['--logger=zap', '--log-level=warn'], timing };
}

/** Enough of a member's output to explain why it did not come up. */
const LOG_TAIL_CHARS = 20_000;
/** A port the OS chose may be taken again (as another connection's source port) before a restart binds it. */
const ADDRESS_IN_USE_RETRIES = 50;
const ADDRESS_IN_USE_WAIT_MS = 100;

/**
 * One member process: started with etcd's flags, stopped, paused and resumed by its own handle
 * (never by name). A start that fails with EADDRINUSE is retried on the same port shortly after.
 */
export class MemberProcess {
  private child: ChildProcess | undefined;
  private paused = false;
  /** Bumped by every start and stop, so a pending EADDRINUSE retry knows it was overtaken. */
  private generation = 0;
  /** Starts that failed because the port was taken (each retried shortly after, up to a limit). */
  addressInUseFailures = 0;
  log = '';

  constructor(
    readonly spec: MemberSpec,
    private readonly command: MemberCommand,
  ) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Starts the member with `--initial-cluster` (name=peerURL,...) as the cluster stands now. */
  start(initialCluster: string, state: 'new' | 'existing', attempt = 0): void {
    const generation = ++this.generation;
    const s = this.spec;
    const args = [
      ...this.command.leadingArgs,
      `--name=${s.name}`,
      `--data-dir=${s.dataDir}`,
      `--listen-client-urls=${s.clientUrl}`,
      `--advertise-client-urls=${s.clientUrl}`,
      `--listen-peer-urls=${s.peerUrl}`,
      `--initial-advertise-peer-urls=${s.peerUrl}`,
      `--initial-cluster=${initialCluster}`,
      `--initial-cluster-state=${state}`,
      `--heartbeat-interval=${this.command.timing.heartbeatMs}`,
      `--election-timeout=${this.command.timing.electionTimeoutMs}`,
      ...this.command.extraFlags,
    ];
    // ETCD_* variables would override the flags above, for ours and for etcd alike.
    const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ETCD_'))), ...this.command.env };
    const child = spawn(this.command.executable, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const keep = (d: Buffer) => (this.log = (this.log + d.toString()).slice(-LOG_TAIL_CHARS));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.once('error', (err) => keep(Buffer.from(`spawn failed: ${err.message}\n`)));
    child.once('exit', (code) => {
      if (this.child !== child) return;
      this.child = undefined;
      if (code !== 0 && this.log.includes('EADDRINUSE')) this.addressInUseFailures++;
      if (code !== 0 && this.log.includes('EADDRINUSE') && attempt < ADDRESS_IN_USE_RETRIES) {
        this.log = '';
        setTimeout(() => this.generation === generation && this.start(initialCluster, state, attempt + 1), ADDRESS_IN_USE_WAIT_MS);
      }
    });
    this.child = child;
    this.paused = false;
  }

  /** Sends `signal` and waits for the process to exit; a graceful signal escalates to SIGKILL after `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGKILL', graceMs = 5000): Promise<void> {
    this.generation++;
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // A stopped process would not act on SIGTERM until continued.
    if (this.paused) child.kill('SIGCONT');
    this.paused = false;
    child.kill(signal);
    const escalate = signal === 'SIGKILL' ? undefined : setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(escalate);
  }

  pause(): void {
    if (!this.child || this.paused) return;
    this.child.kill('SIGSTOP');
    this.paused = true;
  }

  resume(): void {
    if (!this.child || !this.paused) return;
    this.child.kill('SIGCONT');
    this.paused = false;
  }
}
