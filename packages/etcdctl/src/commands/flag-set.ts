/**
 * The two layers etcdctl uses to read a command written on a line (txn requests, watch -i):
 * argify, its tokenizer, and spf13/pflag's parsing of the tokens, with pflag's error texts.
 */
import { goQuote } from '../output/go-format.js';
import { GoPanic } from './process-exit.js';
import { Exit, ExitError } from '../exit.js';
import { bytesOf, byteString, INVALID_SYNTAX, parseBool, parseInt64, textOf, unquote } from './go-text.js';

/** One flag a line may carry. `help` is the one cobra adds to every command. */
export interface FlagSpec {
  readonly name: string;
  readonly short?: string;
  readonly kind: 'bool' | 'string' | 'int64';
  readonly fallback: string;
  readonly usage: string;
}

export type FlagValue = boolean | string | bigint;

/**
 * The outcome of parsing. A defined `help` flag only sets `values.help` (cobra acts on it
 * after parsing); `help: true` is pflag's ErrHelp, for -h/--help where no such flag exists.
 */
export type FlagParse =
  | { readonly ok: true; readonly values: Record<string, FlagValue>; readonly args: string[] }
  | { readonly ok: false; readonly help: boolean; readonly message: string };

// Go's RE2 \s is [\t\n\f\r ] (no \v); `.` is anything but \n.
const ARG = /"(?:[^"\\]|\\[^\n])*"|'[^']*'|[^'"\t\n\f\r ][^\t\n\f\r ]*[^'"\t\n\f\r ]?/g;

/**
 * etcdctl's argify: a line (byte string) split into tokens. Double-quoted tokens are Go
 * literals; a single-quoted one is cut as etcdctl 3.4 cuts it, by the number of tokens
 * on the line rather than its own length (so `put k 'hello world'` stores "h").
 * Fails as etcdctl does on a bad literal (exit 3, "invalid syntax"), and with a GoPanic where
 * Go's slicing panics.
 */
export function argify(line: string): string[] {
  const tokens = line.match(ARG) ?? [];
  return tokens.map((t) => {
    if (t[0] === "'") {
      const high = tokens.length - 1;
      if (high < 1) throw new GoPanic(`runtime error: slice bounds out of range [1:${high}]`);
      if (high > t.length) throw new GoPanic(`runtime error: slice bounds out of range [:${high}] with length ${t.length}`);
      return t.slice(1, high);
    }
    if (t[0] === '"') {
      const bytes = unquote(textOf(t));
      if (!bytes) throw new ExitError(Exit.InvalidInput, INVALID_SYNTAX);
      return byteString(bytes);
    }
    return t;
  });
}

/** pflag's FlagSet.Parse (interspersed): values for every flag, the positional args, or pflag's error. */
export function parseFlags(args: readonly string[], specs: readonly FlagSpec[]): FlagParse {
  const values: Record<string, FlagValue> = {};
  for (const s of specs) values[s.name] = initial(s);
  const positional: string[] = [];
  const fail = (message: string): FlagParse => ({ ok: false, help: false, message });
  const help = (): FlagParse => ({ ok: false, help: true, message: 'pflag: help requested' });
  const set = (spec: FlagSpec, value: string): string | undefined => {
    const parsed = spec.kind === 'bool' ? parseBool(value) : spec.kind === 'int64' ? parseInt64(value, 0) : value;
    if (typeof parsed === 'string' && spec.kind !== 'string') {
      const name = spec.short ? `-${spec.short}, --${spec.name}` : `--${spec.name}`;
      return `invalid argument ${quote(value)} for ${quote(name)} flag: ${parsed}`;
    }
    values[spec.name] = parsed;
    return undefined;
  };

  const rest = [...args];
  while (rest.length > 0) {
    const s = rest.shift()!;
    if (s.length < 2 || s[0] !== '-') {
      positional.push(s);
      continue;
    }
    if (s === '--') {
      positional.push(...rest);
      break;
    }
    if (s[1] === '-') {
      const body = s.slice(2);
      if (body[0] === '-' || body[0] === '=') return fail(`bad flag syntax: ${textOf(s)}`);
      const eq = body.indexOf('=');
      const name = eq < 0 ? body : body.slice(0, eq);
      const spec = specs.find((f) => f.name === name);
      if (!spec) return name === 'help' ? help() : fail(`unknown flag: --${textOf(name)}`);
      let value: string;
      if (eq >= 0) value = body.slice(eq + 1);
      else if (spec.kind === 'bool') value = 'true';
      else if (rest.length > 0) value = rest.shift()!;
      else return fail(`flag needs an argument: ${textOf(s)}`);
      const err = set(spec, value);
      if (err) return fail(err);
      continue;
    }
    // A run of shorthands, -abc; as pflag does, a value taken from the next argument
    // is looked up in the arguments as they were before the run.
    let shorts = s.slice(1);
    const before = [...rest];
    while (shorts.length > 0) {
      const c = shorts[0];
      const spec = specs.find((f) => f.short === c);
      if (!spec) return c === 'h' ? help() : fail(`unknown shorthand flag: '${c}' in -${textOf(shorts)}`);
      let value: string;
      let next = shorts.slice(1);
      if (shorts.length > 2 && shorts[1] === '=') [value, next] = [shorts.slice(2), ''];
      else if (spec.kind === 'bool') value = 'true';
      else if (shorts.length > 1) [value, next] = [shorts.slice(1), ''];
      else if (before.length > 0) {
        value = before[0];
        rest.splice(0, rest.length, ...before.slice(1));
      } else return fail(`flag needs an argument: '${c}' in -${textOf(shorts)}`);
      const err = set(spec, value);
      if (err) return fail(err);
      shorts = next;
    }
  }
  return { ok: true, values, args: positional };
}

function initial(spec: FlagSpec): FlagValue {
  if (spec.kind === 'bool') return spec.fallback === 'true';
  if (spec.kind === 'int64') return BigInt(spec.fallback);
  return spec.fallback;
}

const quote = (s: string) => goQuote(bytesOf(s));

/**
 * pflag's FlagUsages: one line a flag, sorted by name, usage aligned one space after the
 * widest `-s, --name type` column; non-empty defaults shown as etcdctl's commands show them.
 */
export function flagUsages(specs: readonly FlagSpec[]): string {
  const rows = [...specs]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((f) => {
      const left = `${f.short ? `  -${f.short}, ` : '      '}--${f.name}${f.kind === 'bool' ? '' : f.kind === 'int64' ? ' int' : ' string'}`;
      const shown = f.kind === 'string' ? (f.fallback === '' ? '' : ` (default ${JSON.stringify(f.fallback)})`) : f.kind === 'int64' && f.fallback !== '0' ? ` (default ${f.fallback})` : '';
      return [left, `${f.usage}${shown}`];
    });
  const width = Math.max(...rows.map(([l]) => l.length));
  return rows.map(([l, r]) => `${l.padEnd(width)}   ${r}\n`).join('');
}

