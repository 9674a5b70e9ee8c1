import { tabwrite } from '../cobra/tabwriter.js';
import { spellings, type GoFlag } from './go-flagset.js';

/** A v2 command as urfave/cli describes it. */
export interface V2CommandSpec {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly usage: string;
  readonly argsUsage?: string;
  readonly description?: string;
  readonly flags?: readonly GoFlag[];
}

/** urfave/cli's help layout: a tabwriter padding with two spaces. */
const align = (text: string) => tabwrite(text, { minWidth: 1, tabWidth: 8, padding: 2, padChar: ' ' });

/** One flag as urfave/cli prints it: every spelling with its placeholder, the usage, the default. */
export function flagLine(f: GoFlag): string {
  let usage = f.usage;
  let placeholder = '';
  const quoted = /`([^`]*)`/.exec(usage);
  if (quoted) {
    placeholder = quoted[1];
    usage = usage.slice(0, quoted.index) + quoted[1] + usage.slice(quoted.index + quoted[0].length);
  }
  let defaults = '';
  if (f.type !== 'bool') {
    placeholder ||= 'value';
    if (f.value === undefined || f.value === '') defaults = '';
    else defaults = f.type === 'string' ? ` (default: ${JSON.stringify(f.value)})` : ` (default: ${f.value})`;
  }
  const names = spellings(f)
    .map((n) => `${n.length === 1 ? '-' : '--'}${n}${placeholder ? ` ${placeholder}` : ''}`)
    .join(', ');
  return `${names}\t${`${usage}${defaults}`.trim()}`;
}

/** `etcdctl help <command>` and `<command> --help`. */
export function commandHelp(c: V2CommandSpec): string {
  const flags = c.flags ?? [];
  let t = `NAME:\n   etcdctl ${c.name} - ${c.usage}\n\nUSAGE:\n   etcdctl ${c.name}${flags.length > 0 ? ' [command options]' : ''} ${c.argsUsage ?? '[arguments...]'}`;
  if (c.description) t += `\n\nDESCRIPTION:\n   ${c.description}`;
  if (flags.length > 0) t += `\n\nOPTIONS:\n   ${flags.map((f) => `${flagLine(f)}\n   `).join('')}`;
  return align(`${t}\n`);
}

/** `etcdctl` with no command, `--help`, `help`: the application's help. */
export function appHelp(version: string, commands: readonly V2CommandSpec[], flags: readonly GoFlag[]): string {
  const names = (c: V2CommandSpec) => [c.name, ...(c.aliases ?? [])].join(', ');
  const t =
    `NAME:\n   etcdctl - A simple command line client for etcd.\n\n` +
    `USAGE:\n   etcdctl [global options] command [command options] [arguments...]\n\n` +
    `VERSION:\n   ${version}\n\n` +
    `COMMANDS:\n${commands.map((c) => `   ${names(c)}\t${c.usage}\n`).join('')}\n` +
    `GLOBAL OPTIONS:\n${flags.map((f) => `   ${flagLine(f)}\n`).join('')}`;
  return align(t);
}
