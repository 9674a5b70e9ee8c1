import { goQuote } from '../output/go-format.js';
import type { FlagSpec } from './command-spec.js';
import type { CobraCommand } from './command-tree.js';
import { tabwrite } from './tabwriter.js';

/** What the root's help shows under VERSION and API VERSION. */
export interface Versions {
  readonly version: string;
  readonly apiVersion: string;
}

/**
 * etcdctl's usage text for a command (its ctlv3/help.go template, which etcdctl prints for
 * both `--help` and usage errors): NAME, USAGE, VERSION (root), API VERSION and COMMANDS
 * (groups), DESCRIPTION, OPTIONS and GLOBAL OPTIONS, aligned by a tabwriter. Without
 * `helpFlag`, OPTIONS lacks -h, as when cobra prints a usage before it has added that flag.
 */
export function usage(command: CobraCommand, versions: Versions, helpFlag = true): string {
  const name = command.parent ? command.path.join(' ') : command.name;
  let t = `NAME:\n\t${name} - ${command.spec.short}\n\nUSAGE:\n\t${command.useLine}\n`;
  if (!command.parent) t += `\nVERSION:\n\t${versions.version}\n`;
  if (command.children.length > 0) {
    t += `\nAPI VERSION:\n\t${versions.apiVersion}\n`;
    t += '\n\nCOMMANDS:\n';
    for (const sub of command.descendants) {
      if (sub.runnable) t += `\t${sub.path.slice(command.path.length).join(' ')}\t${sub.spec.short}\n`;
    }
  }
  if (command.spec.long) t += `\nDESCRIPTION:\n${descriptionLines(command.spec.long).map((l) => `\t${l}\n`).join('')}`;
  t += `\nOPTIONS:\n${flagUsages(command.localFlags.filter((f) => helpFlag || f.name !== 'help'))}`;
  const inherited = command.inheritedFlags;
  if (inherited.length > 0) t += `\nGLOBAL OPTIONS:\n${flagUsages(inherited)}`;
  return tabwrite(`${t}\n`);
}

/** descToLines: trimmed of newlines, tabs and spaces at both ends, split into lines. */
function descriptionLines(long: string): string[] {
  return long.replace(/^[\n\t ]+|[\n\t ]+$/g, '').split('\n');
}

/** etcdFlagUsages: one line a flag, sorted by name; bools show `[=default]`, strings are quoted. */
function flagUsages(flags: readonly FlagSpec[]): string {
  return [...flags]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => {
      const lead = f.shorthand ? `  -${f.shorthand}, --${f.name}` : `      --${f.name}`;
      const value = f.type === 'string' ? goQuote(new TextEncoder().encode(f.defValue)) : f.defValue;
      return `${lead}${f.type === 'bool' ? `[=${value}]` : `=${value}`}\t${f.usage}\n`;
    })
    .join('');
}
