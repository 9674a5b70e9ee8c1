import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Command } from 'commander';
import type { Context } from '../context.js';
import { badArgs, Exit, ExitError } from '../exit.js';
import { goQuote } from '../output/go-format.js';
import { fieldsWatch, isProgressNotify, jsonWatch, simpleWatch, watchError, type WatchResult } from '../output/watch-printers.js';
import { argify } from './flag-set.js';
import { bytesOf, byteString, parseInt64, quoteList, textOf } from './go-text.js';
import type { Register } from './kv.js';
import { LineReader } from './line-reader.js';
import { BareExit, printingBareExits } from './process-exit.js';
import { parseWatchArgs, watchCreate, type WatchFlags } from './watch-args.js';
import { WatchStream, type WatchSink } from './watch-stream.js';

/** cobrautl's ExitInterrupted, which etcdctl exits with once the server cancels the watch. */
const EXIT_INTERRUPTED = 5 as Exit;

/**
 * etcdctl watch: prints the events on a key or range until interrupted (SIGINT ends the
 * process, as it ends etcdctl) or until the server cancels the watch; with `-- cmd args`
 * runs a command for each event; with -i reads `watch ...` and `progress` lines.
 */
export function registerWatch(program: Command, register: Register): void {
  register(program, 'watch', (ctx, args, f) => printingBareExits(ctx.io, () => watch(ctx, args, f)))
    .description('Watches events stream on keys or prefixes')
    .option('-i, --interactive', 'Interactive mode', false)
    .option('--prefix', 'Watch on a prefix if prefix is set', false)
    .option('--rev <rev>', 'Revision to start watching', '0')
    .option('--prev-kv', 'get the previous key-value pair before the event happens', false);
}

/** Runs `etcdctl watch` until interrupted or until the server cancels the watch. */
async function watch(ctx: Context, args: string[], f: Record<string, unknown>): Promise<void> {
  const envKey = byteString(Buffer.from(ctx.io.env.ETCDCTL_WATCH_KEY ?? '', 'utf8'));
  const envRange = byteString(Buffer.from(ctx.io.env.ETCDCTL_WATCH_RANGE_END ?? '', 'utf8'));
  if (envKey === '' && envRange !== '') throw badArgs(`ETCDCTL_WATCH_KEY is empty but got ETCDCTL_WATCH_RANGE_END=${goQuote(bytesOf(envRange))}`);
  const fatal = new Fatal();
  const stream = new WatchStream(ctx.endpoints, f.interactive === true);
  try {
    if (f.interactive) return await interactive(ctx, stream, fatal, envKey, envRange);
    const rev = parseInt64(String(f.rev), 0);
    if (typeof rev === 'string') throw new ExitError(Exit.Error, `invalid argument ${goQuote(Buffer.from(String(f.rev)))} for "--rev" flag: ${rev}`);
    const flags: WatchFlags = { rev, prefix: f.prefix === true, prevKv: f.prevKv === true };
    // As etcdctl does, find `--` in the process's own command line (os.Args).
    const { watchArgs, execArgs } = parseWatchArgs(osArgs(), args.map(toByteString), envKey, envRange, false);
    const create = watchCreate(watchArgs, flags);
    if (typeof create === 'string') throw badArgs(create);
    const printer = new WatchPrinter(ctx, execArgs, fatal);
    stream.watch(create, printer);
    await Promise.race([printer.done, fatal.failed]);
    throw new ExitError(EXIT_INTERRUPTED, 'watch is canceled by the server');
  } finally {
    stream.close();
  }
}

const toByteString = (arg: string) => byteString(Buffer.from(arg, 'utf8'));
const osArgs = () => ['etcdctl', ...process.argv.slice(2)].map(toByteString);

/** watch -i: one request a line until stdin ends (which etcdctl treats as an error). */
async function interactive(ctx: Context, stream: WatchStream, fatal: Fatal, envKey: string, envRange: string): Promise<never> {
  const reader = new LineReader(ctx.io.stdin);
  try {
    return await readRequests(ctx, reader, stream, fatal, envKey, envRange);
  } finally {
    await reader.close();
  }
}

async function readRequests(ctx: Context, reader: LineReader, stream: WatchStream, fatal: Fatal, envKey: string, envRange: string): Promise<never> {
  for (;;) {
    const raw = await Promise.race([reader.readLine(), fatal.failed]);
    if (raw === undefined) throw new ExitError(Exit.InvalidInput, 'Error reading watch request line: EOF');
    const line = raw.replace(/\n$/, '');
    const args = argify(line);
    const text = textOf(line);
    if (args.length < 1) {
      ctx.io.err(`Invalid command: ${text} (watch and progress supported)\n`);
      continue;
    }
    if (args[0] === 'progress') {
      stream.requestProgress();
      continue;
    }
    if (args[0] !== 'watch') {
      ctx.io.err(`Invalid command ${text} (only support watch)\n`);
      continue;
    }
    if (args.length < 2 && envKey === '') {
      ctx.io.err(`Invalid command ${text} (command type or key is not provided)\n`);
      continue;
    }
    const { watchArgs, execArgs, flags } = parseWatchArgs(osArgs(), args, envKey, envRange, true);
    const create = watchCreate(watchArgs, flags!);
    if (typeof create === 'string') {
      ctx.io.err(`Invalid command ${text} (${create})\n`);
      continue;
    }
    stream.watch(create, new WatchPrinter(ctx, execArgs, fatal));
  }
}

/** The first failure of any watcher's printing ends the command, as ExitWithError / os.Exit end etcdctl. */
class Fatal {
  private fail!: (err: unknown) => void;
  readonly failed = new Promise<never>((_, reject) => {
    this.fail = reject;
  });

  constructor() {
    this.failed.catch(() => undefined);
  }

  report(err: unknown): void {
    this.fail(err);
  }
}

/**
 * etcdctl's printWatchCh for one watcher: its responses printed in order, and for each
 * event the exec command run to completion before the next is handled.
 */
class WatchPrinter implements WatchSink {
  private chain: Promise<void> = Promise.resolve();
  private resolveDone!: () => void;
  /** Resolves once the watch channel has closed and everything before has been printed. */
  readonly done = new Promise<void>((resolve) => {
    this.resolveDone = resolve;
  });

  constructor(
    private readonly ctx: Context,
    private readonly execArgs: readonly string[],
    private readonly fatal: Fatal,
  ) {}

  deliver(response: WatchResult): void {
    this.chain = this.chain.then(() => this.print(response)).catch((err) => this.fatal.report(err));
  }

  closed(): void {
    this.chain = this.chain.then(() => this.resolveDone());
  }

  private async print(r: WatchResult): Promise<void> {
    const { io } = this.ctx;
    if (r.canceled) io.err(`watch was canceled (${watchError(r)})\n`);
    if (isProgressNotify(r)) io.out(`progress notify: ${r.header?.revision ?? 0}\n`);
    switch (this.ctx.format) {
      case 'simple':
        io.out(simpleWatch(r, this.ctx.globals.hex));
        break;
      case 'json':
        io.out(jsonWatch(r));
        break;
      case 'fields':
        io.out(fieldsWatch(r));
        break;
      default:
        throw new ExitError(Exit.BadFeature, `${this.ctx.format} not supported as output format`);
    }
    if (this.execArgs.length === 0) return;
    for (const event of r.events ?? []) {
      const kv = event.kv ?? {};
      await runCommand(this.ctx, this.execArgs.map(textOf), {
        ETCD_WATCH_REVISION: String(r.header?.revision ?? 0),
        ETCD_WATCH_EVENT_TYPE: `"${event.type ?? 'PUT'}"`,
        ETCD_WATCH_KEY: goQuote(Buffer.from(kv.key ?? '', 'base64')),
        ETCD_WATCH_VALUE: goQuote(Buffer.from(kv.value ?? '', 'base64')),
      });
    }
  }
}

/** Go's ProcessState.String() names for the signals a command may die of. */
const SIGNAL_NAMES: Record<string, string> = {
  SIGHUP: 'hangup', SIGINT: 'interrupt', SIGQUIT: 'quit', SIGILL: 'illegal instruction', SIGTRAP: 'trace/breakpoint trap', SIGABRT: 'aborted', SIGBUS: 'bus error', SIGFPE: 'floating point exception',
  SIGKILL: 'killed', SIGUSR1: 'user defined signal 1', SIGSEGV: 'segmentation fault', SIGUSR2: 'user defined signal 2', SIGPIPE: 'broken pipe', SIGALRM: 'alarm clock', SIGTERM: 'terminated',
};

/**
 * exec.Command(args...).Run() with etcdctl's environment plus `extra`, its output passed
 * through; a failure ends etcdctl with `command [...] error (...)` and exit status 1.
 */
async function runCommand(ctx: Context, args: readonly string[], extra: Record<string, string>): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...ctx.io.env, ...extra };
  const fail = (why: string) => new BareExit(Exit.Error, `command ${quoteList(args.map(toByteString))} error (${why})\n`);
  const path = lookPath(args[0], env.PATH ?? '');
  if (path.error) throw fail(path.error);
  const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: NodeJS.ErrnoException }>((resolve) => {
    const child = spawn(path.file, args.slice(1), { argv0: args[0], env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => ctx.io.out(d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => ctx.io.err(d.toString('utf8')));
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: null, signal: null, error }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  if (outcome.error) {
    const why = outcome.error.code === 'EACCES' ? 'permission denied' : outcome.error.code === 'ENOENT' ? 'no such file or directory' : outcome.error.message;
    throw fail(`fork/exec ${path.file}: ${why}`);
  }
  if (outcome.signal) throw fail(`signal: ${SIGNAL_NAMES[outcome.signal] ?? outcome.signal}`);
  if (outcome.code !== 0) throw fail(`exit status ${outcome.code}`);
}

/** Go's exec.LookPath: a name with a slash is used as it is; others are searched for in PATH. */
function lookPath(file: string, pathList: string): { file: string; error?: string } {
  if (file.includes('/')) return { file };
  const notFound = (why: string) => ({ file, error: `exec: ${goQuote(Buffer.from(file, 'utf8'))}: ${why}` });
  for (const dir of pathList === '' ? [] : pathList.split(':')) {
    const candidate = join(dir === '' ? '.' : dir, file);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    if (!isAbsolute(dir === '' ? '.' : dir)) return notFound('cannot run executable found relative to current directory');
    return { file: candidate };
  }
  return notFound('executable file not found in $PATH');
}
