import { goQuote } from '../output/go-format.js';
import type { FlagSpec } from './command-spec.js';
import type { CobraCommand } from './command-tree.js';

/** Where cobra's Find lands: the command, the arguments left for it, or cobra's error. */
export interface Found {
  readonly command: CobraCommand;
  readonly args: readonly string[];
  /** `unknown command "x" for "etcdctl"` and its suggestions, when the root is given a word that names nothing. */
  readonly error?: string;
}

/**
 * cobra's Command.Find with etcdctl's `EnablePrefixMatching = true`: walks down the tree by
 * the words that are not flags (a unique prefix of a name will do), then checks, for the
 * root only, that no word is left over.
 */
export function find(root: CobraCommand, input: readonly string[]): Found {
  let command = root;
  let args = [...input];
  for (;;) {
    const words = stripFlags(args, command);
    const next = words.length > 0 ? findNext(command, words[0]) : undefined;
    if (!next) break;
    const i = args.indexOf(words[0]);
    args = [...args.slice(0, i), ...args.slice(i + 1)];
    command = next;
  }
  if (!command.spec.noArgs && command.children.length > 0 && !command.parent) {
    const words = stripFlags(args, command);
    if (words.length > 0) return { command, args, error: `unknown command ${quote(words[0])} for ${quote(command.commandPath)}${suggestions(command, words[0])}` };
  }
  return { command, args };
}

/**
 * The words of `args` that are not flags or flag values. Flags that take a value are
 * assumed to be followed by it; a flag cobra does not know yet (`--help` among them,
 * as cobra adds it only later) counts as taking one.
 */
function stripFlags(input: readonly string[], command: CobraCommand): string[] {
  // The help flag is not defined yet when cobra strips flags.
  const flags = [...command.allFlags.filter((f) => f.name !== 'help')];
  const takesNoValue = (f: FlagSpec | undefined) => f?.type === 'bool';
  const words: string[] = [];
  const args = [...input];
  while (args.length > 0) {
    const s = args.shift()!;
    if (s === '--') break;
    const longWithValue = s.startsWith('--') && !s.includes('=') && !takesNoValue(flags.find((f) => f.name === s.slice(2)));
    const shortWithValue = s.startsWith('-') && !s.includes('=') && s.length === 2 && !takesNoValue(flags.find((f) => f.shorthand === s[1]));
    if (longWithValue || shortWithValue) {
      if (args.length <= 1) break;
      args.shift();
    } else if (s !== '' && !s.startsWith('-')) {
      words.push(s);
    }
  }
  return words;
}

function findNext(command: CobraCommand, word: string): CobraCommand | undefined {
  const exact = command.children.find((c) => c.name === word);
  if (exact) return exact;
  const byPrefix = command.children.filter((c) => c.name.startsWith(word));
  return byPrefix.length === 1 ? byPrefix[0] : undefined;
}

/** cobra's "Did you mean this?": names within Levenshtein distance 2, or starting with what was typed. */
function suggestions(command: CobraCommand, typed: string): string {
  const lower = typed.toLowerCase();
  const names = command.children.filter((c) => c.available && (levenshtein(lower, c.name.toLowerCase()) <= 2 || c.name.toLowerCase().startsWith(lower))).map((c) => c.name);
  return names.length === 0 ? '' : `\n\nDid you mean this?\n${names.map((n) => `\t${n}\n`).join('')}`;
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}

const quote = (s: string) => goQuote(new TextEncoder().encode(s));
