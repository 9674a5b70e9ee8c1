import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** How Go names the signals a child can die of (syscall.Signal's String()). */
const GO_SIGNAL_NAMES: Record<string, string> = {
  SIGHUP: 'hangup',
  SIGINT: 'interrupt',
  SIGQUIT: 'quit',
  SIGILL: 'illegal instruction',
  SIGTRAP: 'trace/breakpoint trap',
  SIGABRT: 'aborted',
  SIGBUS: 'bus error',
  SIGFPE: 'floating point exception',
  SIGKILL: 'killed',
  SIGUSR1: 'user defined signal 1',
  SIGSEGV: 'segmentation fault',
  SIGUSR2: 'user defined signal 2',
  SIGPIPE: 'broken pipe',
  SIGALRM: 'alarm clock',
  SIGTERM: 'terminated',
};

/**
 * Runs `command` as Go's exec.Command(...).Run() does for etcdctl's lock: looked up in PATH
 * when it has no slash, stdin from /dev/null, stdout and stderr shared. Resolves with Go's
 * error text (`exit status 3`, `signal: killed`, `exec: "x": executable file not found in
 * $PATH`, `fork/exec /x: no such file or directory`), or undefined when it exited 0.
 */
export function runHolding(command: readonly string[], env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const [name, ...args] = command;
  const path = name.includes('/') ? name : lookPath(name, env.PATH ?? '');
  if (path === undefined) return Promise.resolve(`exec: "${name}": executable file not found in $PATH`);
  return new Promise((resolve) => {
    const child = spawn(path, args, { env, stdio: ['ignore', 'inherit', 'inherit'], argv0: name });
    child.once('error', (err: NodeJS.ErrnoException) => resolve(`fork/exec ${path}: ${describeErrno(err)}`));
    child.once('exit', (code, signal) => {
      if (signal) resolve(`signal: ${GO_SIGNAL_NAMES[signal] ?? signal}`);
      else resolve(code === 0 ? undefined : `exit status ${code}`);
    });
  });
}

/** exec.LookPath: the first executable regular file of that name in PATH. */
function lookPath(name: string, pathList: string): string | undefined {
  for (const dir of pathList.split(delimiter)) {
    const candidate = join(dir === '' ? '.' : dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function describeErrno(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
      return 'permission denied';
    case 'ENOEXEC':
      return 'exec format error';
    default:
      return err.message;
  }
}
