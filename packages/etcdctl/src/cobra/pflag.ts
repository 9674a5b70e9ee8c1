import type { FlagSpec } from './command-spec.js';
import { goQuote } from '../output/go-format.js';
import { parseFlagValue } from './flag-values.js';

/** A command line that pflag rejects; the message is pflag's. */
export class FlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlagError';
  }
}

/** What pflag parsed: the flags given (canonical text, by name, in the order first given) and the positional arguments. */
export interface ParsedFlags {
  readonly values: ReadonlyMap<string, string>;
  readonly args: readonly string[];
}

/**
 * Parses `args` as spf13/pflag does for a cobra command: flags may appear anywhere,
 * `--` ends them, `--flag=v`, `--flag v`, `-f v`, `-fv`, `-f=v`, bools take no value
 * unless given with `=`, several short bools may share one dash.
 */
export function parseFlags(input: readonly string[], flags: readonly FlagSpec[]): ParsedFlags {
  const byName = new Map(flags.map((f) => [f.name, f]));
  const byShorthand = new Map(flags.filter((f) => f.shorthand).map((f) => [f.shorthand!, f]));
  const values = new Map<string, string>();
  const args: string[] = [];

  const set = (flag: FlagSpec, text: string) => {
    let value: string;
    try {
      value = parseFlagValue(flag.type, text);
    } catch (err) {
      const name = flag.shorthand ? `-${flag.shorthand}, --${flag.name}` : `--${flag.name}`;
      throw new FlagError(`invalid argument ${goQuote(new TextEncoder().encode(text))} for "${name}" flag: ${(err as Error).message}`);
    }
    // A string slice given twice appends; every other flag takes the last value.
    const previous = values.get(flag.name);
    values.set(flag.name, flag.type === 'stringSlice' && previous !== undefined && previous !== '' ? (value === '' ? previous : `${previous},${value}`) : value);
  };

  let rest = [...input];
  while (rest.length > 0) {
    const s = rest.shift()!;
    if (s.length < 2 || s[0] !== '-') {
      args.push(s);
      continue;
    }
    if (s === '--') {
      args.push(...rest);
      break;
    }
    if (s[1] === '-') {
      const name = s.slice(2);
      if (name[0] === '-' || name[0] === '=') throw new FlagError(`bad flag syntax: ${s}`);
      const eq = name.indexOf('=');
      const flagName = eq < 0 ? name : name.slice(0, eq);
      const flag = byName.get(flagName);
      if (!flag) throw new FlagError(`unknown flag: --${flagName}`);
      if (eq >= 0) set(flag, name.slice(eq + 1));
      else if (flag.type === 'bool') set(flag, 'true');
      else if (rest.length > 0) set(flag, rest.shift()!);
      else throw new FlagError(`flag needs an argument: ${s}`);
      continue;
    }
    // One or more shorthands after a single dash. pflag hands each shorthand the
    // arguments as they were before this word, so only the last can consume one.
    const before = rest;
    let shorthands = s.slice(1);
    while (shorthands.length > 0) {
      const c = shorthands[0];
      const flag = byShorthand.get(c);
      if (!flag) throw new FlagError(`unknown shorthand flag: '${c}' in -${shorthands}`);
      if (shorthands.length > 2 && shorthands[1] === '=') {
        set(flag, shorthands.slice(2));
        shorthands = '';
      } else if (flag.type === 'bool') {
        set(flag, 'true');
        shorthands = shorthands.slice(1);
      } else if (shorthands.length > 1) {
        set(flag, shorthands.slice(1));
        shorthands = '';
      } else if (before.length > 0) {
        set(flag, before[0]);
        rest = before.slice(1);
        shorthands = '';
      } else {
        throw new FlagError(`flag needs an argument: '${c}' in -${shorthands}`);
      }
    }
  }
  return { values, args };
}
