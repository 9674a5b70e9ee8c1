import type { Io } from '../context.js';
import { readStdin } from '../commands/stdin.js';
import { GoFlagError, parseGoFlags, spellings, type GoFlag, type GoParsed } from './go-flagset.js';
import { ClusterError, DeadlineExceeded, endpoint, V2Client, V2ClientError, type V2Endpoint } from './v2-client.js';
import { appHelp, commandHelp, type V2CommandSpec } from './v2-help.js';
import { KeysApi, responseJson, type V2KeysResponse, type V2Node } from './v2-keys.js';

/**
 * etcdctl 3.4 with ETCDCTL_API=2: the v2 command line (urfave/cli) and its key commands
 * over etcd's v2 HTTP API. etcd 3.4 serves that API only with --enable-v2 (our kvstore
 * never), so against either the key commands end as etcdctl's do:
 * `Error:  client: response is invalid json. ...`, exit 4.
 */

/** ctlv2's exit codes (not ctlv3's). */
const enum V2Exit {
  BadArgs = 1,
  BadConnection = 2,
  ServerError = 4,
}

/** Ends a v2 command: what it printed on stderr is already out. */
class V2Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

const HELP_FLAG: GoFlag = { name: 'help, h', type: 'bool', usage: 'show help' };
const VERSION_FLAG: GoFlag = { name: 'version, v', type: 'bool', usage: 'print the version' };
const TTL: GoFlag = { name: 'ttl', type: 'int', value: 0, usage: 'key time-to-live in seconds' };
const SORT: GoFlag = { name: 'sort', type: 'bool', usage: 'returns result in sorted order' };
const QUORUM: GoFlag = { name: 'quorum, q', type: 'bool', usage: 'require quorum for get request' };

const GLOBAL_FLAGS: readonly GoFlag[] = [
  { name: 'debug', type: 'bool', usage: 'output cURL commands which can be used to reproduce the request' },
  { name: 'no-sync', type: 'bool', usage: "don't synchronize cluster information before sending request" },
  { name: 'output, o', type: 'string', value: 'simple', usage: 'output response in the given format (`simple`, `extended` or `json`)' },
  { name: 'discovery-srv, D', type: 'string', usage: 'domain name to query for SRV records describing cluster endpoints' },
  { name: 'insecure-discovery', type: 'bool', usage: 'accept insecure SRV records describing cluster endpoints' },
  { name: 'peers, C', type: 'string', value: '', usage: 'DEPRECATED - "--endpoints" should be used instead' },
  { name: 'endpoint', type: 'string', value: '', usage: 'DEPRECATED - "--endpoints" should be used instead' },
  { name: 'endpoints', type: 'string', value: '', usage: 'a comma-delimited list of machine addresses in the cluster (default: "http://127.0.0.1:2379,http://127.0.0.1:4001")' },
  { name: 'cert-file', type: 'string', value: '', usage: 'identify HTTPS client using this SSL certificate file' },
  { name: 'key-file', type: 'string', value: '', usage: 'identify HTTPS client using this SSL key file' },
  { name: 'ca-file', type: 'string', value: '', usage: 'verify certificates of HTTPS-enabled servers using this CA bundle' },
  { name: 'username, u', type: 'string', value: '', usage: 'provide username[:password] and prompt if password is not supplied.' },
  { name: 'timeout', type: 'duration', value: '2s', usage: 'connection timeout per request' },
  { name: 'total-timeout', type: 'duration', value: '5s', usage: 'timeout for the command execution (except watch)' },
  HELP_FLAG,
  VERSION_FLAG,
];

type Action = (run: V2Run, args: string[], flags: GoParsed) => Promise<void>;
interface V2Command extends V2CommandSpec {
  readonly action?: Action;
}

const KEY_COMMANDS: readonly V2Command[] = [
  { name: 'backup', usage: 'backup an etcd directory' },
  { name: 'cluster-health', usage: 'check the health of the etcd cluster' },
  { name: 'mk', usage: 'make a new key with a given value', argsUsage: '<key> <value>', flags: [{ name: 'in-order', type: 'bool', usage: 'create in-order key under directory <key>' }, TTL], action: mk },
  { name: 'mkdir', usage: 'make a new directory', argsUsage: '<key>', flags: [TTL], action: (r, a, f) => mkdir(r, a, f, 'false') },
  {
    name: 'rm',
    usage: 'remove a key or a directory',
    argsUsage: '<key>',
    flags: [
      { name: 'dir', type: 'bool', usage: 'removes the key if it is an empty directory or a key-value pair' },
      { name: 'recursive, r', type: 'bool', usage: 'removes the key and all child keys(if it is a directory)' },
      { name: 'with-value', type: 'string', value: '', usage: 'previous value' },
      { name: 'with-index', type: 'int', value: 0, usage: 'previous index' },
    ],
    action: rm,
  },
  { name: 'rmdir', usage: 'removes the key if it is an empty directory or a key-value pair', argsUsage: '<key>', action: rmdir },
  { name: 'get', usage: 'retrieve the value of a key', argsUsage: '<key>', flags: [SORT, QUORUM], action: get },
  {
    name: 'ls',
    usage: 'retrieve a directory',
    argsUsage: '[key]',
    flags: [SORT, { name: 'recursive, r', type: 'bool', usage: 'returns all key names recursively for the given path' }, { name: 'p', type: 'bool', usage: 'append slash (/) to directories' }, QUORUM],
    action: ls,
  },
  {
    name: 'set',
    usage: 'set the value of a key',
    argsUsage: '<key> <value>',
    description: "Set sets the value of a key.\n\n   When <value> begins with '-', <value> is interpreted as a flag.\n   Insert '--' for workaround:\n\n   $ set -- <key> <value>",
    flags: [TTL, { name: 'swap-with-value', type: 'string', value: '', usage: 'previous value' }, { name: 'swap-with-index', type: 'int', value: 0, usage: 'previous index' }],
    action: set,
  },
  { name: 'setdir', usage: 'create a new directory or update an existing directory TTL', argsUsage: '<key>', flags: [TTL], action: (r, a, f) => mkdir(r, a, f, undefined) },
  { name: 'update', usage: 'update an existing key with a given value', argsUsage: '<key> <value>', flags: [TTL], action: update },
  { name: 'updatedir', usage: 'update an existing directory', argsUsage: '<key> <value>', flags: [TTL], action: updatedir },
  { name: 'watch', usage: 'watch a key for changes' },
  { name: 'exec-watch', usage: 'watch a key for changes and exec an executable' },
  { name: 'member', usage: 'member add, remove and list subcommands' },
  { name: 'user', usage: 'user add, grant and revoke subcommands' },
  { name: 'role', usage: 'role add, grant and revoke subcommands' },
  { name: 'auth', usage: 'overall auth controls' },
];

const HELP_COMMAND: V2Command = { name: 'help', aliases: ['h'], usage: 'Shows a list of commands or help for one command', argsUsage: '[command]' };
const COMMANDS: readonly V2Command[] = [...KEY_COMMANDS, HELP_COMMAND];

const findCommand = (name: string) => COMMANDS.find((c) => c.name === name || c.aliases?.includes(name));

/** One v2 invocation: the global flags, the output, the client once made. */
class V2Run {
  private keysApi: KeysApi | undefined;

  constructor(
    readonly io: Io,
    readonly globals: GoParsed,
  ) {}

  get output(): string {
    return this.globals.values.get('output') ?? 'simple';
  }

  /** A deadline of --total-timeout from now (each request etcdctl makes gets its own). */
  deadline(): number {
    return Date.now() + durationMs(this.globals.values.get('total-timeout') ?? '5s');
  }

  /**
   * etcdctl's handleError: `Error:  <err>`, and a cluster error's detail. (Its JSON form for
   * -o json looks for a *client.Error, which the keys API never returns, so it never applies.)
   */
  fail(code: number, err: Error): never {
    this.io.err(`Error:  ${err.message}\n`);
    if (err instanceof ClusterError) this.io.err(`${err.detail()}\n`);
    throw new V2Exited(code);
  }

  /** mustNewKeyAPI: the client, synchronised with the cluster's member list unless --no-sync. */
  async keys(): Promise<KeysApi> {
    if (this.keysApi) return this.keysApi;
    for (const unsupported of ['discovery-srv', 'username', 'cert-file', 'key-file', 'ca-file']) {
      if (this.globals.values.get(unsupported)) this.fail(V2Exit.BadArgs, new Error(`--${unsupported} is not implemented by this etcdctl's v2 commands`));
    }
    const client = new V2Client(this.endpoints(), durationMs(this.globals.values.get('timeout') ?? '2s'));
    if (this.globals.values.get('no-sync') !== 'true') {
      try {
        await client.sync(this.deadline());
      } catch (err) {
        if (err instanceof V2ClientError && err.message === 'client: no endpoints available') {
          this.io.err(`etcd cluster has no published client endpoints.\nTry '--no-sync' if you want to access non-published client endpoints(${client.endpointList.join(',')}).\n`);
          this.fail(V2Exit.ServerError, err);
        }
        if ((err instanceof ClusterError && err.connectionFailure) || err instanceof DeadlineExceeded) this.fail(V2Exit.BadConnection, err as Error);
        // Any other failure to sync is ignored, as etcdctl ignores it.
      }
    }
    return (this.keysApi = new KeysApi(client));
  }

  private endpoints(): V2Endpoint[] {
    const env = this.io.env;
    const v = this.globals.values;
    const list = v.get('endpoints') || env.ETCDCTL_ENDPOINTS || v.get('endpoint') || env.ETCDCTL_ENDPOINT || v.get('peers') || env.ETCDCTL_PEERS || 'http://127.0.0.1:2379,http://127.0.0.1:4001';
    return list.split(',').map((ep) => {
      // url.Parse refuses a colon in a first segment that cannot be a scheme (127.0.0.1:2379).
      if (/^[^/]*:/.test(ep) && !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(ep)) {
        this.io.err(`parse ${JSON.stringify(ep)}: first path segment in URL cannot contain colon\n`);
        throw new V2Exited(1);
      }
      return endpoint(ep);
    });
  }

  /** Reads the value from the arguments or, failing that, all of stdin. */
  async argOrStdin(args: string[], i: number): Promise<string | undefined> {
    if (i < args.length) return args[i];
    const text = await readStdin(this.io.stdin);
    return text === '' ? undefined : text;
  }

  /** printResponseKey. */
  print(resp: V2KeysResponse): void {
    const out = this.io.out;
    switch (this.output) {
      case 'simple':
        return out(resp.action !== 'delete' ? `${resp.node?.value ?? ''}\n` : `PrevNode.Value: ${resp.prevNode?.value ?? ''}\n`);
      case 'extended': {
        let t = `Key: ${resp.node?.key ?? ''}\nCreated-Index: ${resp.node?.createdIndex ?? 0}\nModified-Index: ${resp.node?.modifiedIndex ?? 0}\n`;
        if (resp.prevNode) t += `PrevNode.Value: ${resp.prevNode.value}\n`;
        t += `TTL: ${resp.node?.ttl ?? 0}\nIndex: ${resp.index}\n`;
        if (resp.action !== 'delete') t += `\n${resp.node?.value ?? ''}\n`;
        return out(t);
      }
      case 'json':
        return out(`${responseJson(resp)}\n`);
      default:
        this.io.err(`Unsupported output format: ${this.output}\n`);
    }
  }
}

/** Runs the v2 command line; returns the exit code. */
export async function runV2(argv: readonly string[], io: Io, version: string): Promise<number> {
  let globals: GoParsed;
  try {
    globals = parseGoFlags(argv, GLOBAL_FLAGS);
  } catch (err) {
    if (!(err instanceof GoFlagError)) throw err;
    io.out(`Incorrect Usage. ${err.message}\n\n${appHelp(version, COMMANDS, GLOBAL_FLAGS)}`);
    io.err(`${err.message}\n`);
    return 1;
  }
  if (globals.values.get('help') === 'true') {
    io.out(appHelp(version, COMMANDS, GLOBAL_FLAGS));
    return 0;
  }
  if (globals.values.get('version') === 'true') {
    io.out(`etcdctl version: ${version}\nAPI version: 2\n`);
    return 0;
  }
  const [name, ...rest] = globals.args;
  const command = name === undefined ? undefined : findCommand(name);
  if (name === undefined) {
    io.out(appHelp(version, COMMANDS, GLOBAL_FLAGS));
    return 0;
  }
  if (!command) {
    io.err(`No help topic for '${name}'\n`);
    return 3;
  }
  try {
    return await runCommand(new V2Run(io, globals), command, rest, version);
  } catch (err) {
    if (err instanceof V2Exited) return err.code;
    throw err;
  }
}

async function runCommand(run: V2Run, command: V2Command, args: string[], version: string): Promise<number> {
  const io = run.io;
  const flags = [...(command.flags ?? []), HELP_FLAG];
  let parsed: GoParsed;
  try {
    parsed = parseGoFlags(reorderArgs(flags, args), flags);
  } catch (err) {
    if (!(err instanceof GoFlagError)) throw err;
    io.out(`Incorrect Usage: ${err.message}\n\n${commandHelp(command)}`);
    io.err(`${err.message}\n`);
    return 1;
  }
  if (parsed.values.get('help') === 'true') {
    io.out(commandHelp(command));
    return 0;
  }
  if (command === HELP_COMMAND) {
    if (parsed.args.length === 0) {
      io.out(appHelp(version, COMMANDS, GLOBAL_FLAGS));
      return 0;
    }
    const topic = findCommand(parsed.args[0]);
    if (!topic) {
      io.err(`No help topic for '${parsed.args[0]}'\n`);
      return 3;
    }
    io.out(commandHelp(topic));
    return 0;
  }
  if (!command.action) {
    io.err(`Error:  etcdctl ${command.name} (ETCDCTL_API=2) is not implemented by this etcdctl\n`);
    return 1;
  }
  await command.action(run, parsed.args, parsed);
  return 0;
}

/** urfave/cli moves the command's own flags (and their values) before its other arguments, up to `--`. */
function reorderArgs(flags: readonly GoFlag[], args: readonly string[]): string[] {
  const names = new Set(flags.flatMap(spellings));
  const isFlag = (a: string) => a !== '-' && a !== '--' && a.startsWith('-') && names.has(a.replace(/^--?/, '').split('=')[0]);
  const reordered: string[] = [];
  let remaining: string[] = [];
  let valueMayFollow = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (valueMayFollow && !isFlag(a)) {
      valueMayFollow = false;
      reordered.push(a);
    } else if (a === '--') {
      remaining = ['--', ...remaining, ...args.slice(i + 1)];
      break;
    } else if (isFlag(a)) {
      reordered.push(a);
      valueMayFollow = !a.includes('=');
    } else {
      remaining.push(a);
    }
  }
  return [...reordered, ...remaining];
}

function durationMs(text: string): number {
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    ms += Number(n) * { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]!;
  }
  return ms;
}

const int = (f: GoParsed, name: string) => Number(f.values.get(name) ?? 0);
const bool = (f: GoParsed, name: string) => f.values.get(name) === 'true';

/** Runs a keys request; its failure is etcdctl's "server error" (exit 4), a deadline included. */
async function request<T>(run: V2Run, call: (deadline: number) => Promise<T>): Promise<T> {
  try {
    return await call(run.deadline());
  } catch (err) {
    if (err instanceof V2Exited) throw err;
    return run.fail(V2Exit.ServerError, err as Error);
  }
}

async function keyAndValue(run: V2Run, args: string[]): Promise<[string, string]> {
  if (args.length === 0) run.fail(V2Exit.BadArgs, new Error('key required'));
  const value = await run.argOrStdin(args, 1);
  if (value === undefined) run.fail(V2Exit.BadArgs, new Error('value required'));
  return [args[0], value];
}

async function set(run: V2Run, args: string[], f: GoParsed): Promise<void> {
  const keys = await run.keys();
  const [key, value] = await keyAndValue(run, args);
  run.print(await request(run, (d) => keys.set(key, value, { ttl: int(f, 'ttl'), prevValue: f.values.get('swap-with-value'), prevIndex: int(f, 'swap-with-index') }, d)));
}

async function mk(run: V2Run, args: string[], f: GoParsed): Promise<void> {
  const keys = await run.keys();
  const [key, value] = await keyAndValue(run, args);
  const ttl = int(f, 'ttl');
  run.print(await request(run, (d) => (bool(f, 'in-order') ? keys.createInOrder(key, value, ttl, d) : keys.set(key, value, { ttl, prevExist: 'false' }, d))));
}

async function update(run: V2Run, args: string[], f: GoParsed): Promise<void> {
  const keys = await run.keys();
  const [key, value] = await keyAndValue(run, args);
  run.print(await request(run, (d) => keys.set(key, value, { ttl: int(f, 'ttl'), prevExist: 'true' }, d)));
}

async function mkdir(run: V2Run, args: string[], f: GoParsed, prevExist: 'true' | 'false' | undefined): Promise<void> {
  const keys = await run.keys();
  if (args.length === 0) run.fail(V2Exit.BadArgs, new Error('key required'));
  const resp = await request(run, (d) => keys.set(args[0], '', { ttl: int(f, 'ttl'), dir: true, prevExist }, d));
  if (run.output !== 'simple') run.print(resp);
}

async function updatedir(run: V2Run, args: string[], f: GoParsed): Promise<void> {
  await mkdir(run, args, f, 'true');
}

async function rm(run: V2Run, args: string[], f: GoParsed): Promise<void> {
  const keys = await run.keys();
  if (args.length === 0) run.fail(V2Exit.BadArgs, new Error('key required'));
  const resp = await request(run, (d) => keys.delete(args[0], { prevIndex: int(f, 'with-index'), prevValue: f.values.get('with-value'), dir: bool(f, 'dir'), recursive: bool(f, 'recursive') }, d));
  if (!resp.node?.dir || run.output !== 'simple') run.print(resp);
}

async function rmdir(run: V2Run, args: string[]): Promise<void> {
  const keys = await run.keys();
  if (args.length === 0) run.fail(V2Exit.BadArgs, new Error('key required'));
  const resp = await request(run, (d) => keys.delete(args[0], { dir: true }, d));
  if (!resp.node?.dir || run.output !== 'simple') run.print(resp);
}

async function get(run: V2Run, args: string[], f: GoParsed): Promise<void> {
  const keys = await run.keys();
  if (args.length === 0) run.fail(V2Exit.BadArgs, new Error('key required'));
  const resp = await request(run, (d) => keys.get(args[0], { sort: bool(f, 'sort'), quorum: bool(f, 'quorum') }, d));
  if (resp.node?.dir) {
    run.io.err(`${resp.node.key}: is a directory\n`);
    throw new V2Exited(1);
  }
  run.print(resp);
}

async function ls(run: V2Run, args: string[], f: GoParsed): Promise<void> {
  const keys = await run.keys();
  const resp = await request(run, (d) => keys.get(args[0] ?? '/', { sort: bool(f, 'sort'), recursive: bool(f, 'recursive'), quorum: bool(f, 'quorum') }, d));
  if (run.output !== 'simple') return run.print(resp);
  const slash = bool(f, 'p');
  const lines: string[] = [];
  const walk = (n: V2Node) => {
    lines.push(n.dir && slash ? `${n.key}/` : n.key);
    for (const c of n.nodes ?? []) walk(c);
  };
  if (resp.node && !resp.node.dir) lines.push(resp.node.key);
  for (const c of resp.node?.nodes ?? []) walk(c);
  run.io.out(lines.map((l) => `${l}\n`).join(''));
}
