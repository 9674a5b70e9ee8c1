import { Command, CommanderError, Option } from 'commander';
import { EtcdClientError } from '@flotilla/kvstore/client';
import { Context, type Globals, type Io } from './context.js';
import { Exit, ExitError } from './exit.js';
import { registerKv, type Register } from './commands/kv.js';
import { registerCluster } from './commands/cluster.js';

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

/** Runs one etcdctl invocation; returns the exit code. */
export async function run(argv: string[], io: Io): Promise<number> {
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
  program
    .command('version')
    .description('Prints the version of etcdctl')
    .action(() => io.out(`etcdctl version: ${ETCDCTL_VERSION}\nAPI version: ${API_VERSION}\n`));

  try {
    await program.parseAsync(argv, { from: 'user' });
    return Exit.Success;
  } catch (err) {
    return report(err, io);
  } finally {
    await ctx?.close();
  }
}

function report(err: unknown, io: Io): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return Exit.Success;
    if (err.code === 'commander.unknownCommand') {
      const name = /'([^']+)'/.exec(err.message)?.[1] ?? '';
      // Cobra reports it, then etcdctl's own handler again, as etcdctl 3.4 does.
      io.err(`Error: unknown command "${name}" for "etcdctl"\nRun 'etcdctl --help' for usage.\nError: unknown command "${name}" for "etcdctl"\n`);
      return Exit.Error;
    }
    if (err.code === 'commander.unknownOption') {
      io.err(`Error: unknown flag: ${/'([^']+)'/.exec(err.message)?.[1] ?? ''}\n`);
      return Exit.Error;
    }
    io.err(`Error: ${err.message.replace(/^error: /, '')}\n`);
    return Exit.Error;
  }
  if (err instanceof ExitError) {
    io.err(`Error: ${err.message}\n`);
    return err.code;
  }
  if (err instanceof EtcdClientError) {
    io.err(`Error: ${err.message}\n`);
    return Exit.Error;
  }
  io.err(`Error: ${(err as Error).message}\n`);
  return Exit.Error;
}
