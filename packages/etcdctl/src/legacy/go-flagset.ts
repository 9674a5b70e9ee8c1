/**
 * Go's standard `flag` package, as urfave/cli (etcdctl's v2 command line) parses with it:
 * `-name` and `--name` alike, values as `-name=v` or `-name v`, bools only as `-name` or
 * `-name=v`, parsing stops at the first argument that is not a flag, `--` ends the flags.
 */

export type GoFlagType = 'bool' | 'string' | 'int' | 'duration';

/** One urfave/cli flag: `name` is its spelling list ("recursive, r"). */
export interface GoFlag {
  readonly name: string;
  readonly type: GoFlagType;
  readonly usage: string;
  /** The default value (urfave prints it as ` (default: ...)`); absent for bools. */
  readonly value?: string | number;
}

/** A command line the flag package rejects; the message is Go's. */
export class GoFlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoFlagError';
  }
}

export interface GoParsed {
  /** Values given, by every spelling of the flag. */
  readonly values: ReadonlyMap<string, string>;
  readonly args: string[];
}

export const spellings = (f: GoFlag): string[] => f.name.split(',').map((s) => s.trim());

export function parseGoFlags(input: readonly string[], flags: readonly GoFlag[]): GoParsed {
  const byName = new Map<string, GoFlag>();
  for (const f of flags) for (const s of spellings(f)) byName.set(s, f);
  const values = new Map<string, string>();
  const args = [...input];
  while (args.length > 0) {
    const s = args[0];
    if (s.length < 2 || s[0] !== '-') break;
    const dashes = s[1] === '-' ? 2 : 1;
    if (s === '--') {
      args.shift();
      break;
    }
    let name = s.slice(dashes);
    if (name === '' || name[0] === '-' || name[0] === '=') throw new GoFlagError(`bad flag syntax: ${s}`);
    args.shift();
    let value: string | undefined;
    const eq = name.indexOf('=', 1);
    if (eq > 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const flag = byName.get(name);
    if (!flag) {
      if (name === 'help' || name === 'h') throw new GoFlagError('flag: help requested');
      throw new GoFlagError(`flag provided but not defined: -${name}`);
    }
    if (flag.type === 'bool') {
      if (value !== undefined && goBool(value) === undefined) throw new GoFlagError(`invalid boolean value ${JSON.stringify(value)} for -${name}: parse error`);
      value = String(value === undefined ? true : goBool(value));
    } else {
      if (value === undefined && args.length > 0) value = args.shift();
      if (value === undefined) throw new GoFlagError(`flag needs an argument: -${name}`);
      if (!validValue(flag.type, value)) throw new GoFlagError(`invalid value ${JSON.stringify(value)} for flag -${name}: parse error`);
    }
    for (const spelling of spellings(flag)) values.set(spelling, value);
  }
  return { values, args };
}

function goBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

function validValue(type: GoFlagType, text: string): boolean {
  if (type === 'int') return /^[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.test(text);
  if (type === 'duration') return /^[+-]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$|^[+-]?0$/.test(text);
  return true;
}
