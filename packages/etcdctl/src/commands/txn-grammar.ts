/**
 * etcdctl 3.4's txn grammar: compare lines (`mod("k") > "0"`, read as Go's
 * fmt.Sscanf("%q) %s %q") reads them) and request lines (`put k v --prev-kv`, read by a
 * throw-away cobra command tree of put/get/del), turned into the gateway's Compare and
 * RequestOp JSON. Pure: a line in, a decision out.
 */
import { prefixEnd } from '@flotilla/kvstore/client';
import { badArgs, Exit, ExitError } from '../exit.js';
import { goQuote } from '../output/go-format.js';
import { argify, flagUsages, parseFlags, type FlagSpec, type FlagValue } from './flag-set.js';
import { byteString, bytesOf, isGoSpace, parseInt64, textOf, unquote } from './go-text.js';
import { GoPanic } from './process-exit.js';

export type Json = Record<string, unknown>;

const b64 = (s: string) => bytesOf(s).toString('base64');
const invalidInput = (message: string) => new ExitError(Exit.InvalidInput, message);

// ---- compares ------------------------------------------------------------------------

const TARGETS: Record<string, 'VERSION' | 'CREATE' | 'MOD' | 'VALUE' | 'LEASE'> = {
  ver: 'VERSION', version: 'VERSION', c: 'CREATE', create: 'CREATE', m: 'MOD', mod: 'MOD', val: 'VALUE', value: 'VALUE', lease: 'LEASE',
};
const RESULTS: Record<string, string> = { '=': 'EQUAL', '!=': 'NOT_EQUAL', '>': 'GREATER', '<': 'LESS' };
const INT_FIELD = { VERSION: 'version', CREATE: 'create_revision', MOD: 'mod_revision' } as const;

/**
 * One compare line (already trimmed, a byte string) as the gateway's Compare. Throws
 * etcdctl's errors (exit 3) and, where clientv3.Compare panics, a GoPanic.
 */
export function parseCompare(line: string): Json {
  const open = line.indexOf('(');
  if (open < 0) throw invalidInput(`malformed comparison: ${textOf(line)}`);
  const target = line.slice(0, open);
  const scan = scanCompareOperands(line.slice(open + 1));
  if (scan.n !== 3) {
    throw invalidInput(`malformed comparison: ${textOf(line)}; got ${textOf(target)}(${goQuote(scan.key)}) ${textOf(scan.op)} ${goQuote(scan.val)}`);
  }
  const kind = TARGETS[target];
  if (!kind) throw invalidInput(`malformed comparison: ${textOf(line)} (unknown target ${textOf(target)})`);
  const key = scan.key.toString('base64');
  if (kind === 'VALUE') return { key, target: kind, result: result(scan.op), value: scan.val.toString('base64') };
  if (kind === 'LEASE') {
    // etcdctl hands clientv3.Compare the value as a string, which a lease compare cannot take.
    result(scan.op);
    throw new GoPanic('bad value');
  }
  const n = parseInt64(byteString(scan.val), 10);
  if (typeof n === 'string') throw invalidInput(`invalid txn compare request: ${textOf(line)}`);
  return { key, target: kind, result: result(scan.op), [INT_FIELD[kind]]: n.toString() };
}

function result(op: string): string {
  const r = RESULTS[op];
  if (!r) throw new GoPanic('Unknown result op');
  return r;
}

interface Operands {
  /** How many of the three operands were read before the first failure. */
  readonly n: number;
  readonly key: Buffer;
  readonly op: string;
  readonly val: Buffer;
}

/** fmt.Sscanf(s, "%q) %s %q", &key, &op, &val): runes, Go's white space, Go literals. */
function scanCompareOperands(s: string): Operands {
  const runes = Array.from(textOf(s));
  let i = 0;
  let key: Buffer = Buffer.alloc(0);
  let op = '';
  const done = (n: number, val: Buffer = Buffer.alloc(0)): Operands => ({ n, key, op, val });
  const skipSpace = () => {
    while (i < runes.length && isGoSpace(runes[i].codePointAt(0)!)) i++;
  };
  /** %q: a "double-quoted" or `back-quoted` Go literal after optional space. */
  const quoted = (): Buffer | undefined => {
    skipSpace();
    const quote = runes[i++];
    if (quote === '`') {
      const end = runes.indexOf('`', i);
      if (end < 0) return undefined;
      const text = runes.slice(i, end).join('');
      i = end + 1;
      return Buffer.from(text, 'utf8');
    }
    if (quote !== '"') return undefined;
    let literal = '"';
    for (;;) {
      const r = runes[i++];
      if (r === undefined) return undefined;
      literal += r;
      if (r === '\\') {
        const next = runes[i++];
        if (next === undefined) return undefined;
        literal += next;
      } else if (r === '"') break;
    }
    return unquote(literal);
  };
  /** A space in the format: at least one space in the input, or its end. */
  const space = (): boolean => {
    if (i >= runes.length) return true;
    if (!isGoSpace(runes[i].codePointAt(0)!)) return false;
    skipSpace();
    return true;
  };

  const k = quoted();
  if (!k) return done(0);
  key = k;
  if (runes[i++] !== ')' || !space()) return done(1);
  skipSpace();
  let token = '';
  while (i < runes.length && !isGoSpace(runes[i].codePointAt(0)!)) token += runes[i++];
  if (token === '') return done(1);
  op = byteString(Buffer.from(token, 'utf8'));
  if (!space()) return done(2);
  const v = quoted();
  if (!v) return done(2);
  return done(3, v);
}

// ---- requests ------------------------------------------------------------------------

/** What a request line comes to: an op, or one of the ways cobra ends instead. */
export type RequestLine =
  | { readonly kind: 'op'; readonly op: Json }
  /** A flag error: cobra prints the command's usage on stderr; etcdctl then fails the line. */
  | { readonly kind: 'usage'; readonly usage: string }
  /** Not put, get or del: etcdctl fails the line. */
  | { readonly kind: 'unknown' }
  /** -h / help: cobra prints help on stdout and never hands etcdctl an op — etcdctl 3.4 blocks for good. */
  | { readonly kind: 'help'; readonly stdout: string; readonly stderr: string };

interface Subcommand {
  readonly name: 'put' | 'get' | 'del';
  readonly use: string;
  readonly short: string;
  readonly long?: string;
  readonly flags: readonly FlagSpec[];
  readonly build: (args: string[], f: Record<string, FlagValue>) => Json;
}

const help = (name: string): FlagSpec => ({ name: 'help', short: 'h', kind: 'bool', fallback: 'false', usage: `help for ${name}` });

const PUT_LONG = `
Puts the given key into the store.

When <value> begins with '-', <value> is interpreted as a flag.
Insert '--' for workaround:

$ put <key> -- <value>
$ put -- <key> <value>

If <value> isn't given as a command line argument and '--ignore-value' is not specified,
this command tries to read the value from standard input.

If <lease> isn't given as a command line argument and '--ignore-lease' is not specified,
this command tries to read the value from standard input.

For example,
$ cat file | put <key>
will store the content of the file to <key>.
`;

const SUBCOMMANDS: readonly Subcommand[] = [
  {
    name: 'del',
    use: 'del [options] <key> [range_end]',
    short: 'Removes the specified key or range of keys [key, range_end)',
    flags: [
      { name: 'prefix', kind: 'bool', fallback: 'false', usage: 'delete keys with matching prefix' },
      { name: 'prev-kv', kind: 'bool', fallback: 'false', usage: 'return deleted key-value pairs' },
      { name: 'from-key', kind: 'bool', fallback: 'false', usage: 'delete keys that are greater than or equal to the given key using byte compare' },
      help('del'),
    ],
    build: delOp,
  },
  {
    name: 'get',
    use: 'get [options] <key> [range_end]',
    short: 'Gets the key or a range of keys',
    flags: [
      { name: 'consistency', kind: 'string', fallback: 'l', usage: 'Linearizable(l) or Serializable(s)' },
      { name: 'order', kind: 'string', fallback: '', usage: 'Order of results; ASCEND or DESCEND (ASCEND by default)' },
      { name: 'sort-by', kind: 'string', fallback: '', usage: 'Sort target; CREATE, KEY, MODIFY, VALUE, or VERSION' },
      { name: 'limit', kind: 'int64', fallback: '0', usage: 'Maximum number of results' },
      { name: 'prefix', kind: 'bool', fallback: 'false', usage: 'Get keys with matching prefix' },
      { name: 'from-key', kind: 'bool', fallback: 'false', usage: 'Get keys that are greater than or equal to the given key using byte compare' },
      { name: 'rev', kind: 'int64', fallback: '0', usage: 'Specify the kv revision' },
      { name: 'keys-only', kind: 'bool', fallback: 'false', usage: 'Get only the keys' },
      { name: 'print-value-only', kind: 'bool', fallback: 'false', usage: 'Only write values when using the "simple" output format' },
      help('get'),
    ],
    build: getOp,
  },
  {
    name: 'put',
    use: 'put [options] <key> <value> (<value> can also be given from stdin)',
    short: 'Puts the given key into the store',
    long: PUT_LONG,
    flags: [
      { name: 'lease', kind: 'string', fallback: '0', usage: 'lease ID (in hexadecimal) to attach to the key' },
      { name: 'prev-kv', kind: 'bool', fallback: 'false', usage: 'return the previous key-value pair before modification' },
      { name: 'ignore-value', kind: 'bool', fallback: 'false', usage: 'updates the key using its current value' },
      { name: 'ignore-lease', kind: 'bool', fallback: 'false', usage: 'updates the key using its current lease' },
      help('put'),
    ],
    build: putOp,
  },
];

/** The throw-away root command's usage: it has no name, hence the blanks before `[command]`. */
function rootUsage(withFlags: boolean): string {
  const commands: [string, string][] = [
    ['completion', 'Generate the autocompletion script for the specified shell'],
    ...SUBCOMMANDS.filter((c) => c.name !== 'put').map((c): [string, string] => [c.name, c.short]),
    ['help', 'Help about any command'],
    ['put', SUBCOMMANDS.find((c) => c.name === 'put')!.short],
  ];
  return (
    'Usage:\n   [command]\n\nAvailable Commands:\n' +
    commands.map(([name, short]) => `  ${name.padEnd(11)} ${short}\n`).join('') +
    (withFlags ? '\nFlags:\n  -h, --help   help for this command\n' : '') +
    '\nUse " [command] --help" for more information about a command.\n'
  );
}

const HELP_USAGE = `Usage:
   help [command] [flags]

Flags:
  -h, --help   help for help
`;
const HELP_HELP = `Help provides help for any command in the application.
Simply type  help [path to command] for full details.

${HELP_USAGE}`;

function usage(c: Subcommand): string {
  return `Usage:\n   ${c.use} [flags]\n\nFlags:\n${flagUsages(c.flags)}`;
}

function helpText(c: Subcommand): string {
  return `${(c.long ?? c.short).trimEnd()}\n\n${usage(c)}`;
}

/**
 * One request line (trimmed, a byte string) as etcdctl reads it: argify, then a cobra
 * root holding put, get and del. Throws the errors etcdctl exits with (bad arguments
 * exit 128, bad literals exit 3) and a GoPanic where argify panics.
 */
export function parseRequest(line: string): RequestLine {
  const args = argify(line);
  if (args.length < 2) throw invalidInput(`invalid txn compare request: ${textOf(line)}`);

  // cobra's Find: the first word that is neither a flag nor (at this point the root has
  // no flags, so every `--x`/`-x` without `=` takes one) a flag's value names the command.
  const words = stripFlags(args);
  if (words.length === 0) {
    const parsed = parseFlags(args, [{ ...help(''), usage: 'help for this command' }]);
    if (!parsed.ok) return { kind: 'usage', usage: rootUsage(true) };
    return { kind: 'help', stdout: rootUsage(true), stderr: '' };
  }
  const name = words[0];
  const rest = withoutFirst(args, name);
  if (name === 'help') {
    const parsed = parseFlags(rest, [help('help')]);
    if (!parsed.ok) return { kind: 'usage', usage: HELP_USAGE };
    if (parsed.values.help === true) return { kind: 'help', stdout: HELP_HELP, stderr: '' };
    const topic = stripFlags(parsed.args);
    const c = SUBCOMMANDS.find((s) => s.name === topic[0]);
    if (c) return { kind: 'help', stdout: helpText(c), stderr: '' };
    if (topic[0] === 'help') return { kind: 'help', stdout: HELP_HELP, stderr: '' };
    return { kind: 'help', stdout: '', stderr: `Unknown help topic [${parsed.args.map((a) => `\`${textOf(a)}\``).join(' ')}]\n${rootUsage(false)}` };
  }
  const command = SUBCOMMANDS.find((s) => s.name === name);
  if (!command) return { kind: 'unknown' };
  const parsed = parseFlags(rest, command.flags);
  if (!parsed.ok) return { kind: 'usage', usage: usage(command) };
  if (parsed.values.help === true) return { kind: 'help', stdout: helpText(command), stderr: '' };
  return { kind: 'op', op: command.build(parsed.args, parsed.values) };
}

/** cobra's stripFlags for a command without flags: the words left once flags (and the value each takes) are gone. */
function stripFlags(args: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const s = args[i];
    if (s === '--') break;
    if (s.startsWith('-') && !s.includes('=') && (s.startsWith('--') || s.length === 2)) {
      if (args.length - i - 1 <= 1) break;
      i++;
      continue;
    }
    if (s !== '' && !s.startsWith('-')) words.push(s);
  }
  return words;
}

/** cobra's argsMinusFirstX: args without the first `x` that is not a flag's value. */
function withoutFirst(args: readonly string[], x: string): string[] {
  for (let i = 0; i < args.length; i++) {
    const s = args[i];
    if (s === '--') break;
    if (s.startsWith('-') && !s.includes('=') && (s.startsWith('--') || s.length === 2)) {
      i++;
      continue;
    }
    if (!s.startsWith('-') && s === x) return [...args.slice(0, i), ...args.slice(i + 1)];
  }
  return [...args];
}

// ---- the ops, as etcdctl's getPutOp / getGetOp / getDelOp build them ---------------------

function putOp(args: string[], f: Record<string, FlagValue>): Json {
  if (args.length === 0) throw badArgs('put command needs 1 argument and input from stdin or 2 arguments');
  const key = args[0];
  if (f['ignore-value'] && args.length > 1) throw badArgs("put command needs only 1 argument when 'ignore-value' is set");
  let value = '';
  if (!f['ignore-value']) {
    // etcdctl reads a missing value from stdin, which its line reader has already taken.
    if (args.length < 2) throw badArgs('put command needs 1 argument and input from stdin or 2 arguments');
    value = args[1];
  }
  const lease = parseInt64(f.lease as string, 16);
  if (typeof lease === 'string') throw badArgs(`bad lease ID (${lease}), expecting ID in Hex`);
  return {
    request_put: {
      key: b64(key),
      value: value === '' ? undefined : b64(value),
      lease: lease === 0n ? undefined : lease.toString(),
      prev_kv: f['prev-kv'] || undefined,
      ignore_value: f['ignore-value'] || undefined,
      ignore_lease: f['ignore-lease'] || undefined,
    },
  };
}

const SORT_TARGETS: Record<string, string> = { CREATE: 'CREATE', KEY: 'KEY', MODIFY: 'MOD', VALUE: 'VALUE', VERSION: 'VERSION', '': 'KEY' };

function getOp(args: string[], f: Record<string, FlagValue>): Json {
  if (args.length === 0) throw badArgs('get command needs one argument as key and an optional argument as range_end');
  if (f.prefix && f['from-key']) throw badArgs('`--prefix` and `--from-key` cannot be set at the same time, choose one');
  const consistency = f.consistency as string;
  if (consistency !== 's' && consistency !== 'l') throw new ExitError(Exit.BadFeature, `unknown consistency flag ${goQuote(bytesOf(consistency))}`);
  let key = args[0];
  let end: string | undefined;
  if (args.length > 1) {
    if (f.prefix || f['from-key']) throw badArgs('too many arguments, only accept one argument when `--prefix` or `--from-key` is set');
    end = args[1];
  }
  const order = (f.order as string).toUpperCase();
  if (order !== 'ASCEND' && order !== 'DESCEND' && order !== '') throw new ExitError(Exit.BadFeature, `bad sort order ${textOf(f.order as string)}`);
  const target = SORT_TARGETS[(f['sort-by'] as string).toUpperCase()];
  if (!target) throw new ExitError(Exit.BadFeature, `bad sort target ${textOf(f['sort-by'] as string)}`);
  // clientv3's WithSort: ascending by key is the server's own order, so it asks for none.
  const sortOrder = target === 'KEY' && order === 'ASCEND' ? '' : order;
  [key, end] = rangeOf(key, end, f.prefix === true, f['from-key'] === true);
  const limit = f.limit as bigint;
  const rev = f.rev as bigint;
  return {
    request_range: {
      key: b64(key),
      range_end: end === undefined ? undefined : b64(end),
      limit: limit === 0n ? undefined : limit.toString(),
      revision: rev > 0n ? rev.toString() : undefined,
      sort_order: sortOrder === '' ? undefined : sortOrder,
      sort_target: target === 'KEY' ? undefined : target,
      serializable: consistency === 's' || undefined,
      keys_only: f['keys-only'] || undefined,
    },
  };
}

function delOp(args: string[], f: Record<string, FlagValue>): Json {
  if (args.length === 0 || args.length > 2) throw badArgs('del command needs one argument as key and an optional argument as range_end');
  if (f.prefix && f['from-key']) throw badArgs('`--prefix` and `--from-key` cannot be set at the same time, choose one');
  let key = args[0];
  let end: string | undefined;
  if (args.length > 1) {
    if (f.prefix || f['from-key']) throw badArgs('too many arguments, only accept one argument when `--prefix` or `--from-key` is set');
    end = args[1];
  }
  [key, end] = rangeOf(key, end, f.prefix === true, f['from-key'] === true);
  return { request_delete_range: { key: b64(key), range_end: end === undefined ? undefined : b64(end), prev_kv: f['prev-kv'] || undefined } };
}

/** --prefix and --from-key as etcdctl and clientv3 apply them (an empty key means from "\x00"). */
function rangeOf(key: string, end: string | undefined, prefix: boolean, fromKey: boolean): [string, string | undefined] {
  if (prefix) {
    if (key === '') return ['\x00', '\x00'];
    end = byteString(prefixEnd(bytesOf(key)));
  }
  if (fromKey) {
    if (key === '') key = '\x00';
    end = '\x00';
  }
  return [key, end];
}
