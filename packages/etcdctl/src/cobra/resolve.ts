import { goQuote } from '../output/go-format.js';
import { CobraCommand } from './command-tree.js';
import { ETCDCTL } from './etcdctl-commands.js';
import { find } from './find.js';
import { usage, type Versions } from './help.js';
import { FlagError, parseFlags } from './pflag.js';

/** A command line cobra accepted: the command to run, the flags given (canonical text) and the arguments. */
export interface Invocation {
  readonly kind: 'run';
  readonly command: CobraCommand;
  readonly flags: ReadonlyMap<string, string>;
  readonly args: readonly string[];
}

/** A command line cobra answered by itself (help, usage errors): what it prints and its exit code. */
export interface Answered {
  readonly kind: 'answered';
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

export const ROOT = new CobraCommand(ETCDCTL);

/**
 * What etcdctl's cobra makes of a command line, before any command runs: the command and
 * its flags, or the help, usage and errors cobra prints itself. Exit codes are etcdctl's:
 * its Start() turns any error cobra returns into `Error: <err>` and exit 1.
 */
export function resolve(argv: readonly string[], versions: Versions): Invocation | Answered {
  const found = find(ROOT, argv);
  if (found.error !== undefined) {
    const err = `Error: ${found.error}\n`;
    return answered('', `${err}Run '${found.command.commandPath} --help' for usage.\n${err}`, 1);
  }
  const command = found.command;
  let parsed;
  try {
    parsed = parseFlags(found.args, command.allFlags);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    return usageError(command, err.message, versions);
  }
  if (parsed.values.get('help') === 'true' || !command.runnable) return answered(usage(command, versions), '', 0);
  if (command.spec.noArgs && parsed.args.length > 0) return usageError(command, `unknown command ${quote(parsed.args[0])} for ${quote(command.commandPath)}`, versions);
  if (command.spec.use === 'help [command]') return helpCommand(parsed.args, versions);
  return { kind: 'run', command, flags: parsed.values, args: parsed.args };
}

/** cobra prints the error, then the usage (etcdctl's usage function writes it to stdout), then etcdctl the error again. */
function usageError(command: CobraCommand, message: string, versions: Versions): Answered {
  return answered(usage(command, versions), `Error: ${message}\n\nError: ${message}\n`, 1);
}

/** `etcdctl help [command...]`: that command's help, or the root's after "Unknown help topic". */
function helpCommand(args: readonly string[], versions: Versions): Answered {
  const topic = find(ROOT, args);
  // cobra prints the root's usage here before it has given the root its help flag.
  if (topic.error !== undefined) return answered(usage(ROOT, versions, false), `Unknown help topic [${args.map(backquote).join(' ')}]\n`, 0);
  return answered(usage(topic.command, versions), '', 0);
}

const answered = (stdout: string, stderr: string, code: number): Answered => ({ kind: 'answered', stdout, stderr, code });
const quote = (s: string) => goQuote(new TextEncoder().encode(s));
/** Go's %#q: backquoted when it can be. */
const backquote = (s: string) => (/^[^`\x00-\x08\x0a-\x1f\x7f]*$/.test(s) ? `\`${s}\`` : quote(s));
