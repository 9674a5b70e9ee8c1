import { Command, CommanderError, Option } from 'commander';
import { EtcdClientError } from '@flotilla/kvstore/client';
import { Context, type Globals, type Io } from './context.js';
import { Exit, ExitError } from './exit.js';
import { registerKv, type Register } from './commands/kv.js';
import { registerCluster } from './commands/cluster.js';
import { registerTxn } from './commands/txn.js';
import { registerWatch } from './commands/watch.js';
import { resolve, type Invocation } from './cobra/resolve.js';
import { runLegacy } from './commands/legacy.js';
import { registerElect } from './commands/elect.js';
import { registerLock } from './commands/lock.js';
import { registerCheck } from './commands/check.js';

export const ETCDCTL_VERSION = '3.4.0';
export const API_VERSION = '3.4';

/** etcdctl's global flags, each also read from ETCDCTL_<FLAG> (upper snake case). */
const GLOBAL_FLAGS: [flags: string, description: string, fallback: string | boolean][] = [
  ['--endpoints <list>', 'gRPC endpoints', '127.0.0.1:2379'],
  ['--dial-timeout <duration>', 'dial timeout for client connections', '2s'],
  ['--command-timeout <duration>', 'timeout for short running command (excluding dial timeout)', '5s'],
  ['--keepalive-time <duration>', 'keepalive time for client connections', '2s'],
  ['--keepalive-timeout <duration>', 'keepalive timeout for client connections', '6s'],
  ['-w, --write-out <format>', 'set the output format (fields, json, protobuf, simple, table)', 'simple'],
  ['--hex', 'print byte strings as hex encoded strings', false],
  ['--debug', 'enable client-side debug logging', false],
  ['--user <user>', 'username[:password] for authentication (prompt if password is not supplied)', ''],
  ['--password <password>', 'password for authentication (if this option is used, --user option shouldn\'t include password)', ''],
  ['--cacert <file>', 'verify certificates of TLS-enabled secure servers using this CA bundle', ''],
  ['--cert <file>', 'identify secure client using this TLS certificate file', ''],
  ['--key <file>', 'identify secure client using this TLS key file', ''],
  ['--insecure-skip-tls-verify', 'skip server certificate verification', false],
  ['--insecure-transport [bool]', 'disable transport security for client connections', true],
  ['--insecure-discovery [bool]', 'accept insecure SRV records describing cluster endpoints', true],
  ['-d, --discovery-srv <domain>', 'domain name to query for SRV records describing cluster endpoints', ''],
  ['--discovery-srv-name <name>', 'service name to query when using DNS discovery', ''],
];

/**
 * Runs one etcdctl invocation; returns the exit code. ETCDCTL_API picks the v3 or the v2
 * command line, as etcdctl's main does. cobra's part (finding the command, parsing flags
 * as pflag does, help and usage errors) is done by cobra/resolve.ts; commander then only
 * dispatches a command line that is already known to be valid.
 */
export async function run(argv: string[], io: Io): Promise<number> {
  const api = io.env.ETCDCTL_API ?? '';
  if (api === '2') return runLegacy(argv, io, ETCDCTL_VERSION);
  if (api !== '' && api !== '3') {
    io.err(`unsupported API version ${api}\n`);
    return Exit.Error;
  }
  const line = resolve(argv, { version: ETCDCTL_VERSION, apiVersion: API_VERSION });
  if (line.kind === 'answered') {
    io.out(line.stdout);
    io.err(line.stderr);
    return line.code;
  }

  let ctx: Context | undefined;
  const program = new Command('etcdctl')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: () => undefined })
    .helpCommand(false)
    .showSuggestionAfterError(false);
  for (const [flags, description, fallback] of GLOBAL_FLAGS) {
    const opt = new Option(flags, description);
    const env = io.env[`ETCDCTL_${opt.attributeName().replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`];
    opt.default(env !== undefined ? (typeof fallback === 'boolean' ? env === 'true' : env) : fallback);
    program.addOption(opt);
  }
  const register: Register = (parent, name, action) =>
    parent
      .command(name)
      .allowExcessArguments(true)
      .action(async (...params: unknown[]) => {
        const cmd = params[params.length - 1] as Command;
        ctx = new Context(io, program.opts() as Globals);
        await action(ctx, cmd.args, cmd.opts());
      });
  registerKv(program, register);
  registerCluster(program, register);
  registerTxn(program, register);
  registerWatch(program, register);
  program
    .command('version')
    .description('Prints the version of etcdctl')
    .action(() => io.out(`etcdctl version: ${ETCDCTL_VERSION}\nAPI version: ${API_VERSION}\n`));
  registerElect(program, register);
  registerLock(program, register);
  registerCheck(program, register);

  try {
    await program.parseAsync(commanderArgv(program, line), { from: 'user' });
    return Exit.Success;
  } catch (err) {
    return report(err, io);
  } finally {
    await ctx?.close();
  }
}

/**
 * The command line cobra accepted, spelled for commander: global flags, the command's
 * path, its flags as `--name=value` (bools bare), then `--` and the arguments.
 */
function commanderArgv(program: Command, line: Invocation): string[] {
  const path = line.command.path;
  const chain = [program];
  for (const name of path) {
    const next = chain[chain.length - 1].commands.find((c) => c.name() === name);
    if (!next) throw new ExitError(Exit.Error, `${line.command.commandPath} is not implemented by this etcdctl`);
    chain.push(next);
  }
  const globals: string[] = [];
  const locals: string[] = [];
  for (const [name, value] of line.flags) {
    if (name === 'help') continue;
    const owner = [...chain].reverse().find((c) => c.options.some((o) => o.long === `--${name}`));
    const option = owner?.options.find((o) => o.long === `--${name}`);
    if (!owner || !option) throw new ExitError(Exit.Error, `--${name} of ${line.command.commandPath} is not implemented by this etcdctl`);
    const spelled = option.required || option.optional ? [`--${name}=${value}`] : value === 'true' ? [`--${name}`] : [];
    (owner === program ? globals : locals).push(...spelled);
  }
  return [...globals, ...path, ...locals, ...(line.args.length > 0 ? ['--', ...line.args] : [])];
}

/** Prints a failure as etcdctl's ExitWithError does (`Error: <message>`) and gives its exit code. */
function report(err: unknown, io: Io): number {
  if (err instanceof ExitError) {
    if (err.message !== '') io.err(`Error: ${err.message}\n`);
    return err.code;
  }
  if (err instanceof CommanderError) {
    // cobra/resolve.ts has checked the command line; commander complaining means the two disagree.
    io.err(`Error: ${err.message.replace(/^error: /, '')}\n`);
    return Exit.Error;
  }
  if (err instanceof EtcdClientError) {
    io.err(`Error: ${err.message}\n`);
    return Exit.Error;
  }
  io.err(`Error: ${(err as Error).message}\n`);
  return Exit.Error;
}
