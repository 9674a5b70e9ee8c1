import { isLogLevel, type LogLevel } from './log.js';

/**
 * The command line every Flotilla component binary shares: `--name value` or `--name=value`,
 * boolean flags without a value, Kubernetes-worded errors, a usage text, and a main wrapper that
 * turns the result into the exit code.
 */

/** A flag the command line refuses; the binary prints it with the usage and exits 2. */
export class FlagError extends Error {}

export interface FlagSpec<F> {
  readonly set: (flags: F, value: string) => void;
  readonly help: string;
  /** Takes no value (`--flag` means true; `--flag=false` is still accepted). */
  readonly boolean?: boolean;
}

export type FlagTable<F> = Readonly<Record<string, FlagSpec<F>>>;

/** Applies argv to `flags` (holding the defaults) through the table; unknown flags and missing values are FlagErrors. */
export function applyFlags<F>(argv: readonly string[], table: FlagTable<F>, flags: F): F {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-')) throw new FlagError(`unexpected argument "${arg}"`);
    const [name, inline] = arg.replace(/^--?/, '').split(/=(.*)/s, 2);
    const flag = table[name];
    if (!flag) throw new FlagError(`unknown flag: --${name}`);
    const value = inline ?? (flag.boolean ? 'true' : argv[++i]);
    if (value === undefined) throw new FlagError(`flag needs an argument: --${name}`);
    flag.set(flags, value);
  }
  return flags;
}

/** "Usage: <synopsis>" and one line a flag. */
export function flagUsage<F>(synopsis: string, table: FlagTable<F>, width = 34): string {
  return [`Usage: ${synopsis}`, '', ...Object.entries(table).map(([name, f]) => `      --${name.padEnd(width)} ${f.help}`), `      --${'help'.padEnd(width)} Print this help.`].join('\n');
}

/** A port number flag value (0 lets the OS choose). */
export function portFlag(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new FlagError(`invalid argument "${value}" for "--${name}" flag: must be a port number`);
  return n;
}

/** A --log-level value: debug, info, warn or error. */
export function logLevelFlag(value: string): LogLevel {
  if (!isLogLevel(value)) throw new FlagError(`invalid argument "${value}" for "--log-level" flag: must be debug, info, warn or error`);
  return value;
}

/**
 * The start of every main: --help prints the usage (exit code 0), a FlagError prints the error
 * and the usage on stderr (exit code 2); otherwise the parsed flags.
 */
export function parseCommandLine<F>(argv: readonly string[], parse: (argv: readonly string[]) => F, usage: () => string): F | number {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage() + '\n');
    return 0;
  }
  try {
    return parse(argv);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    process.stderr.write(`Error: ${err.message}\n${usage()}\n`);
    return 2;
  }
}

/** Runs a binary's main and exits with its code; an unexpected failure is printed and exits 1. */
export function runMain(component: string, main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${component}: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
