import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { containerLogPath, containerPidPath } from '../pod/log-layout.js';
import { pipeLines } from './cri-log.js';
import { ContainerStartError, type ContainerExit, type ContainerLaunch, type ContainerRuntime, type ExecResult, type RunningContainer } from './runtime.js';

/** How long the output of an exited container may take to drain before the exit is reported. */
const PIPE_DRAIN_MS = 2000;

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGTERM: 15 };

/**
 * Containers as real child processes: command + args with no shell, the pod's environment and
 * working dir, stdout and stderr into CRI log files under the root dir. Each container leads its own
 * process group (so a stop reaches what it forked) and leaves a pid file while it runs, which a later
 * kubelet on the same root dir uses to kill leftovers.
 *
 * When the main process exits, the rest of its process group is killed, as a container's processes
 * die with its PID 1.
 *
 * Limits: only memory is enforced, and only for Node.js programs (argv[0] named `node`), as
 * NODE_OPTIONS=--max-old-space-size; CPU limits and requests are not enforced.
 */
export class ProcessRuntime implements ContainerRuntime {
  readonly name = 'process';
  readonly version = '0.1.0';
  readonly probesAreReal = true;
  private nextId = 0;

  constructor(private readonly rootDir: string) {}

  async start(launch: ContainerLaunch): Promise<RunningContainer> {
    const [file, ...args] = launch.command;
    if (!file) throw new ContainerStartError('CreateContainerError', `container ${launch.containerName} has no command: the process runtime runs command and args (images are not pulled)`);
    const logPath = containerLogPath(this.rootDir, launch.namespace, launch.podName, launch.podUid, launch.containerName, launch.attempt);
    const pidPath = containerPidPath(this.rootDir, launch.namespace, launch.podName, launch.podUid, launch.containerName, launch.attempt);
    await mkdir(dirname(logPath), { recursive: true });
    const log = createWriteStream(logPath, { flags: 'a' });
    const child = spawn(file, args, { cwd: launch.workingDir, env: withMemoryLimit(file, launch), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    // Listeners go on before any await: a container that exits at once must not exit unseen.
    const piped = Promise.all([pipeLines(child.stdout!, 'stdout', log), pipeLines(child.stderr!, 'stderr', log)]);
    const exitSeen = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
    } catch (err) {
      log.end();
      throw new ContainerStartError('RunContainerError', `failed to start container ${launch.containerName}: ${(err as Error).message}`);
    }
    const pid = child.pid!;
    const startedAt = Date.now();
    await writeFile(pidPath, `${pid} ${await processStartTicks(pid)}\n`);
    const exited = exitSeen.then(async ({ code, signal, at }) => {
      // A container ends with its main process, as in a PID namespace: what it left in its group goes too.
      signalGroup(pid, 'SIGKILL');
      // A descendant that left the group may still hold the pipes open: do not wait on it for long.
      await Promise.race([piped, new Promise((resolve) => setTimeout(resolve, PIPE_DRAIN_MS).unref())]);
      await new Promise<void>((done) => log.end(done));
      await unlink(pidPath).catch(() => undefined);
      const exit: ContainerExit = signal ? { exitCode: 128 + (SIGNAL_NUMBERS[signal] ?? 0), signal, finishedAt: at } : { exitCode: code ?? 0, finishedAt: at };
      return exit;
    });
    let stopping: Promise<ContainerExit> | undefined;
    return {
      id: `${launch.podUid.slice(0, 8)}-${launch.containerName}-${launch.attempt}-${process.pid}-${++this.nextId}`,
      pid,
      startedAt,
      exited,
      stop: (graceMs) => {
        stopping ??= (async () => {
          signalGroup(pid, 'SIGTERM');
          const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
          const exit = await exited;
          clearTimeout(timer);
          return exit;
        })();
        return stopping;
      },
    };
  }

  exec(launch: ContainerLaunch, command: readonly string[], timeoutMs: number): Promise<ExecResult> {
    return new Promise((resolve) => {
      if (command.length === 0) return resolve({ exitCode: 126, output: 'empty exec command' });
      execFile(command[0], command.slice(1), { env: { ...launch.env }, cwd: launch.workingDir, timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
        const output = stdout + stderr;
        if (!err) return resolve({ exitCode: 0, output });
        const code = (err as NodeJS.ErrnoException & { code?: unknown }).code;
        resolve({ exitCode: typeof code === 'number' ? code : 126, output: output || err.message });
      });
    });
  }

  async killLeftovers(): Promise<number> {
    let killed = 0;
    for (const pidFile of await findPidFiles(join(this.rootDir, 'pods'))) {
      const [pidText, ticks] = (await readFile(pidFile, 'utf8').catch(() => '')).trim().split(' ');
      const pid = Number(pidText);
      // The start time guards against a pid the OS has since given to another process.
      if (pid > 0 && (await processStartTicks(pid)) === ticks && ticks !== '') {
        signalGroup(pid, 'SIGKILL');
        killed++;
      }
      await unlink(pidFile).catch(() => undefined);
    }
    return killed;
  }

  async removePod(podUid: string): Promise<void> {
    const pods = join(this.rootDir, 'pods');
    for (const entry of await readdir(pods).catch(() => [] as string[])) {
      if (entry.endsWith(`_${podUid}`)) await rm(join(pods, entry), { recursive: true, force: true });
    }
  }
}

/** NODE_OPTIONS=--max-old-space-size for a Node.js program with a memory limit (the heap gets the limit, in MiB). */
function withMemoryLimit(file: string, launch: ContainerLaunch): Record<string, string> {
  const env = { ...launch.env };
  if (launch.memoryLimitBytes && /^node(js)?(\.exe)?$/.test(basename(file))) {
    const mib = Math.max(16, Math.floor(launch.memoryLimitBytes / (1024 * 1024)));
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --max-old-space-size=${mib}`.trim();
  }
  return env;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

/** The process's start time in clock ticks since boot (/proc/<pid>/stat field 22); '' where there is no /proc. */
async function processStartTicks(pid: number): Promise<string> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  if (!stat) return '';
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}

async function findPidFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await findPidFiles(path)));
    else if (entry.name.endsWith('.pid')) found.push(path);
  }
  return found;
}
