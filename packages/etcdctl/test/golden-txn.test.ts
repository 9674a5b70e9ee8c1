import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { goldenSession, type Step } from './golden.js';
import { etcdctl, has, OUR_ETCDCTL, Server } from './servers.js';

/** A txn read from stdin: compares, success requests, failure requests, each section ended by a blank line. */
const txn = (compares: string[], success: string[], failure: string[]) => [compares, success, failure].map((lines) => lines.map((l) => `${l}\n`).join('') + '\n').join('');

const SETUP: Step[] = [
  { args: ['put', 'key1', 'v1'] },
  { args: ['put', 'key2', 'v2'] },
  { args: ['put', 'key3', 'hello world'] },
  { args: ['put', 'other', 'o'] },
];

/** Every compare kind, both branches, interactive prompts. */
const OUTCOMES: Step[] = [
  ...SETUP,
  // Every compare target and operator, long and short names; success branch.
  { args: ['txn'], input: txn(['mod("key1") > "0"', 'create("key1") = "2"', 'version("key1") = "1"', 'value("key2") = "v2"', 'm("key2") < "100"', 'c("key2") != "0"', 'ver("key3") = "1"', 'val("key3") != "nope"'], ['put key1 new --prev-kv', 'get key --prefix', 'del key2 --prev-kv'], ['put never x']) },
  // A false compare runs the failure branch.
  { args: ['txn'], input: txn(['value("key1") = "v1"'], ['put never x'], ['put key2 back', 'get key2', 'del nosuch']) },
  { args: ['get', 'never'] },
  // Interactive prompts on stdout.
  { args: ['txn', '-i'], input: txn(['version("nosuch") = "0"'], ['get key1 --print-value-only', 'get key --prefix --keys-only'], []) },
  { args: ['txn', '--interactive', '-w', 'json'], input: txn([], ['get key --prefix --limit 1 --sort-by MODIFY --order DESCEND'], []) },
];

/** json, fields and --hex. */
const OUTPUTS: Step[] = [
  ...SETUP,
  { args: ['txn', '-w', 'json'], input: txn(['mod("key1") > "0"'], ['put key1 again --prev-kv', 'get key --prefix', 'del key3 --prev-kv', 'del nosuch'], ['get other']) },
  { args: ['txn', '-w', 'fields'], input: txn(['mod("key1") < "0"'], [], ['put key3 "quoted value"', 'get key --from-key', 'del other --prev-kv']) },
  { args: ['txn', '-w', 'json'], input: txn(['mod("key1") < "0"'], [], []) },
  { args: ['txn', '--hex'], input: txn([], ['put hexkey hexval --prev-kv', 'get hexkey'], []) },
];

/** The flags of the nested put, get and del, and etcdctl's tokenizer. */
const REQUESTS: Step[] = [
  ...SETUP,
  // Nested flags of get and del.
  { args: ['txn'], input: txn([], ['get key1 --rev 3', 'get key1 key3', 'get key --prefix --consistency s --sort-by VERSION', 'get key --prefix --order=DESCEND --sort-by=key', 'get key --prefix --limit=0x1'], []) },
  { args: ['txn'], input: txn([], ['put a1 1', 'put a2 2', 'put a3 3'], []) },
  { args: ['txn'], input: txn([], ['del a1 a3 --prev-kv', 'get a --prefix'], []) },
  { args: ['txn'], input: txn([], ['del a --from-key --prev-kv'], []) },
  { args: ['txn'], input: txn([], ['put key1 --ignore-value --prev-kv', 'put -- dash -value'], []) },
  { args: ['get', 'dash'] },
  // etcdctl's tokenizer: Go literals, backquotes, and its single-quote slicing.
  { args: ['txn'], input: txn(['value(`key1`) = `again`', 'value( "key3" ) != "\\x00"'], ['put tab "a\\tb"', "put sq 'hello world'", 'get tab', 'get sq'], []) },
  { args: ['txn'], input: txn(['value("key1") = "again" trailing'], ['put uni "\\u00e9t\\u00e9"', 'get uni -w json'], []) },
  { args: ['txn'], input: txn(['value("key1") = "again" trailing'], ['put uni "\\u00e9t\\u00e9"', 'get uni'], []) },
  { args: ['txn'], input: '\n  \n\n' },
  { args: ['txn'], input: '\r\n\t\n \n' },
];

/** Compares etcdctl rejects (exit 3). */
const BAD_COMPARES: Step[] = [
  ...SETUP,
  // Errors in compares (exit 3).
  { args: ['txn'], input: 'bogus\n\n\n\n' },
  { args: ['txn'], input: 'mod(key1) > "0"\n\n\n\n' },
  { args: ['txn'], input: 'mod("key1") > 0\n\n\n\n' },
  { args: ['txn'], input: 'mod("key1")\n\n\n\n' },
  { args: ['txn'], input: 'mod("key1" ) > "0"\n\n\n\n' },
  { args: ['txn'], input: 'value("a")="x"\n\n\n\n' },
  { args: ['txn'], input: 'value("a\\q") = "x"\n\n\n\n' },
  { args: ['txn'], input: 'value("a") = "x\n\n\n\n' },
  { args: ['txn'], input: 'foo("key1") > "0"\n\n\n\n' },
  { args: ['txn'], input: 'mod("key1") > "abc"\n\n\n\n' },
  { args: ['txn'], input: 'version("key1") = "9223372036854775808"\n\n\n\n' },
  { args: ['txn'], input: 'version("key1") = "0x1"\n\n\n\n' },
];

/** Input that ends before the third section does: EOF (exit 3). */
const EARLY_EOF: Step[] = [
  { args: ['txn'], input: '' },
  { args: ['txn'], input: 'mod("key1") > "0"\n' },
  { args: ['txn'], input: '\nput a b\n\nput c d' },
  { args: ['txn', '-i'], input: '\n\n' },
];

/** Request lines etcdctl cannot parse. */
const BAD_REQUESTS: Step[] = [
  ...SETUP,
  // Errors in requests.
  { args: ['txn'], input: txn([], ['put'], []) },
  { args: ['txn'], input: txn([], ['foo bar'], []) },
  { args: ['txn'], input: txn([], ['get a --bogus'], []) },
  { args: ['txn'], input: txn([], ['put a b --lease'], []) },
  { args: ['txn'], input: txn([], ['del a --prev-kv=maybe'], []) },
  { args: ['txn'], input: txn([], ['get a --limit abc'], []) },
];

/** Requests with the wrong arguments for put, get or del. */
const BAD_ARGUMENTS: Step[] = [
  ...SETUP,
  { args: ['txn'], input: txn([], ['--prefix x'], []) },
  { args: ['txn'], input: txn([], ['put a "b\\q"'], []) },
  { args: ['txn'], input: txn([], ['put a b', 'put a'], []) },
  { args: ['txn'], input: txn([], ['put a b --ignore-value'], []) },
  { args: ['txn'], input: txn([], ['put a b --lease zz'], []) },
  { args: ['txn'], input: txn([], ['get a --prefix --from-key'], []) },
  { args: ['txn'], input: txn([], ['get a b --prefix'], []) },
  { args: ['txn'], input: txn([], ['get a --consistency x'], []) },
  { args: ['txn'], input: txn([], ['get a --order sideways'], []) },
  { args: ['txn'], input: txn([], ['get a --sort-by size'], []) },
  { args: ['txn'], input: txn([], ['del a b c'], []) },
  { args: ['txn'], input: txn([], ['del a --from-key b'], []) },
];

/** What the server rejects, and printing that fails after the commit. */
const AFTER_PARSING: Step[] = [
  ...SETUP,
  // Errors from the server (exit 1) and from the printer after the commit (exit 4).
  { args: ['txn'], input: txn([], ['put dup 1', 'del dup'], []) },
  { args: ['txn'], input: txn([], ['get key1 --rev 1000'], []) },
  { args: ['txn', '-w', 'table'], input: txn([], ['put tabled 1'], []) },
  { args: ['get', 'tabled'] },
  { args: ['txn', 'extra'], input: txn([], [], []) },
];

goldenSession('txn: compares, branches', OUTCOMES);
goldenSession('txn: json, fields, hex', OUTPUTS);
goldenSession('txn: nested put/get/del flags, literals', REQUESTS);
goldenSession('txn: bad compares', BAD_COMPARES);
goldenSession('txn: early EOF', EARLY_EOF);
goldenSession('txn: unparsable requests', BAD_REQUESTS);
goldenSession('txn: bad put/get/del arguments', BAD_ARGUMENTS);
goldenSession('txn: server errors, table output', AFTER_PARSING);

/** Runs one etcdctl (ours or the real one) with stdin, ends it after `ms`, and reports what it printed and how it ended. */
function runFor(kind: 'ours' | 'etcd', endpoint: string, args: string[], input: string, ms: number): Promise<{ stdout: string; stderr: string; code: number | null; signal: NodeJS.Signals | null }> {
  const argv = [`--endpoints=${endpoint}`, ...args];
  const child = kind === 'etcd' ? spawn('etcdctl', argv, { env: { ...process.env, ETCDCTL_API: '3' } }) : spawn(process.execPath, [OUR_ETCDCTL, ...argv]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(input);
  const timer = setTimeout(() => child.kill('SIGTERM'), ms);
  return new Promise((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code, signal });
    }),
  );
}

describe('etcdctl txn where etcdctl 3.4 crashes or hangs', function () {
  this.timeout(60_000);
  let ours: Server | undefined;
  let real: Server | undefined;
  before(async function () {
    if (!has('etcd') || !has('etcdctl', 'version')) this.skip();
    [ours, real] = await Promise.all([Server.start('ours'), Server.start('etcd')]);
  });
  after(async () => {
    await Promise.all([ours?.stop(), real?.stop()]);
  });

  for (const [title, input, value] of [
    ['an unknown compare operator', 'mod("k") >= "1"\n\n\n\n', 'Unknown result op'],
    ['any lease compare', 'lease("k") = "1"\n\n\n\n', 'bad value'],
    ['a lease compare with an unknown operator', 'lease("k") ~ "1"\n\n\n\n', 'Unknown result op'],
    ['a single-quoted token longer than the line has tokens', "\nput 'abcdef' 'x' y z\n\n\n", 'runtime error: slice bounds out of range [:4] with length 3'],
    ['a lone single-quoted token', "\n'abc'\n\n\n", 'runtime error: slice bounds out of range [1:0]'],
  ] as const) {
    it(`panics (exit 2) on ${title}, before committing anything`, async () => {
      for (const [kind, server] of [['etcd', real!], ['ours', ours!]] as const) {
        const r = await runFor(kind, server.endpoint, ['txn'], input, 10_000);
        expect(r.code, `${kind}: ${r.stderr}`).to.equal(2);
        expect(r.stdout, kind).to.equal('');
        // Go's goroutine dump follows these lines; ours stops after them.
        expect(r.stderr.startsWith(`panic: ${value}\n\ngoroutine 1 [running]:\n`), `${kind}: ${r.stderr}`).to.equal(true);
        if (kind === 'ours') expect(r.stderr).to.equal(`panic: ${value}\n\ngoroutine 1 [running]:\n`);
      }
    });
  }

  it('prints a request\'s help on stdout and then waits for good, as cobra never hands etcdctl an op', async () => {
    const outcomes = [];
    for (const [kind, server] of [['etcd', real!], ['ours', ours!]] as const) {
      outcomes.push(await runFor(kind, server.endpoint, ['txn'], '\nput k v --help\n\n\n', 6000));
    }
    const [want, got] = outcomes;
    expect(want.signal).to.equal('SIGTERM');
    expect(got.signal).to.equal('SIGTERM');
    expect(got.stdout).to.equal(want.stdout);
    expect(got.stdout).to.contain('Puts the given key into the store.');
    expect(etcdctl('ours', ours!.endpoint, ['get', 'k']).stdout).to.equal('');
  });
});
