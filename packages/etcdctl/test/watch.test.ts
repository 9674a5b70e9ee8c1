import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { expect } from 'chai';
import { goldenSession, idNames, normalise, type Step } from './golden.js';
import { etcdctl, has, OUR_ETCDCTL, Server, type Outcome } from './servers.js';

type Kind = 'etcd' | 'ours';
const KINDS: readonly Kind[] = ['etcd', 'ours'];

/** One running `etcdctl watch`: what it has printed so far, and how to end it by its own handle. */
class RunningWatch {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(kind: Kind, endpoint: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    const argv = [`--endpoints=${endpoint}`, ...args];
    this.child = kind === 'etcd' ? spawn('etcdctl', argv, { env: { ...process.env, ETCDCTL_API: '3', ...env } }) : spawn(process.execPath, [OUR_ETCDCTL, ...argv], { env: { ...process.env, ...env } });
    this.child.stdout.on('data', (d) => (this.stdout += d));
    this.child.stderr.on('data', (d) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.child.once('close', (code, signal) => resolve({ code, signal })));
  }

  write(text: string): void {
    this.child.stdin.write(text);
  }

  /** Waits until `done(stdout)` holds (or the process has ended). */
  async until(done: (stdout: string) => boolean, what: string, ms = 60_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done(this.stdout)) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stdout so far:\n${this.stdout}\nstderr:\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGINT, as Ctrl-C sends it; resolves with how the process ended. */
  async interrupt(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGINT');
    return this.exited;
  }

  /** Last resort for a failed test: never leave a process behind. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const hex = (s: string) => [...Buffer.from(s)].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
/** A key shows in every output format: as text, base64 (json) or \x.. (--hex). */
const shows = (key: string) => (out: string) => out.includes(key) || out.includes(b64(key)) || out.includes(hex(key));

describe('etcdctl watch, side by side with etcdctl 3.4 against etcd 3.4', function () {
  this.timeout(240_000);
  let servers: Record<Kind, Server> | undefined;
  let names: Record<Kind, Map<string, string>>;
  const running: RunningWatch[] = [];

  before(async function () {
    if (!has('etcd') || !has('etcdctl', 'version')) {
      console.log('      (etcd / etcdctl not installed: skipped)');
      this.skip();
    }
    const [ours, real] = await Promise.all([Server.start('ours'), Server.start('etcd')]);
    servers = { ours, etcd: real };
    names = { ours: idNames(ours.endpoint, ours.peer, 'ours'), etcd: idNames(real.endpoint, real.peer, 'etcd') };
  });
  afterEach(() => {
    for (const w of running.splice(0)) w.kill();
  });
  after(async () => {
    await Promise.all([servers?.ours.stop(), servers?.etcd.stop()]);
  });

  /** The same command on both servers (so their revisions stay in step); returns etcd's outcome after checking ours matches. */
  const both = (args: string[], input?: string): Outcome => {
    const [want, got] = KINDS.map((k) => normalise(etcdctl(k, servers![k].endpoint, args, input), names[k]));
    expect(got, `etcdctl ${args.join(' ')}`).to.deep.equal(want);
    return want;
  };
  /** The revision the next write will get, the same on both servers. */
  const nextRevision = (): string => {
    const revs = KINDS.map((k) => /"revision":(\d+)/.exec(etcdctl(k, servers![k].endpoint, ['get', 'nosuch', '-w', 'json']).stdout)![1]);
    expect(revs[1], 'both servers at the same revision').to.equal(revs[0]);
    return String(Number(revs[0]) + 1);
  };
  const start = (args: readonly string[], env?: NodeJS.ProcessEnv): Record<Kind, RunningWatch> => {
    const pair = { etcd: new RunningWatch('etcd', servers!.etcd.endpoint, args, env), ours: new RunningWatch('ours', servers!.ours.endpoint, args, env) };
    running.push(pair.etcd, pair.ours);
    return pair;
  };
  const compare = (pair: Record<Kind, RunningWatch>, what: string) => {
    const [want, got] = KINDS.map((k) => normalise({ stdout: pair[k].stdout, stderr: pair[k].stderr, code: 0 }, names[k]));
    expect(got.stdout, `${what}: stdout`).to.equal(want.stdout);
    expect(got.stderr, `${what}: stderr`).to.equal(want.stderr);
  };

  it('replays history from --rev, then follows live events, in every output format, until SIGINT', async () => {
    const rev = nextRevision();
    both(['put', 'w1/a', '1']);
    both(['put', 'w1/b', '2']);
    both(['put', 'w1/a', 'three "quoted"\tvalue']);
    both(['del', 'w1/a']);
    both(['txn'], '\nput w1/c 4\nput w1/d 5\n\n\n');
    both(['put', 'w1/end', 'x']);
    const variants: [string[], (out: string) => boolean, (out: string) => boolean][] = [
      [['watch', 'w1/', '--prefix', '--rev', rev], shows('w1/end'), shows('w1/live')],
      [['watch', 'w1/', '--prefix', '--rev', rev, '--prev-kv', '-w', 'json'], shows('w1/end'), shows('w1/live')],
      [['watch', 'w1/a', 'w1/zzz', '--rev', rev, '-w', 'fields', '--prev-kv'], shows('w1/end'), shows('w1/live')],
      [['watch', '--rev', rev, 'w1/a'], (out) => out.includes('DELETE'), (out) => out.includes('live')],
      [['watch', 'w1/', '--prefix', '--rev', rev, '--hex', '--prev-kv'], shows('w1/end'), shows('w1/live')],
    ];
    const pairs = variants.map(([args]) => start(args));
    for (const [i, pair] of pairs.entries()) for (const k of KINDS) await pair[k].until(variants[i][1], `history of ${variants[i][0].join(' ')} (${k})`);
    both(['put', 'w1/a', 'live']);
    both(['del', 'w1/b', '--prev-kv']);
    both(['put', 'w1/live', 'x']);
    for (const [i, pair] of pairs.entries()) for (const k of KINDS) await pair[k].until(variants[i][2], `live events of ${variants[i][0].join(' ')} (${k})`);
    for (const [i, pair] of pairs.entries()) {
      const ends = await Promise.all(KINDS.map((k) => pair[k].interrupt()));
      for (const end of ends) expect(end, variants[i][0].join(' ')).to.deep.equal({ code: null, signal: 'SIGINT' });
      compare(pair, variants[i][0].join(' '));
    }
    expect(pairs[0].ours.stdout).to.equal('PUT\nw1/a\n1\nPUT\nw1/b\n2\nPUT\nw1/a\nthree "quoted"\tvalue\nDELETE\nw1/a\n\nPUT\nw1/c\n4\nPUT\nw1/d\n5\nPUT\nw1/end\nx\nPUT\nw1/a\nlive\nDELETE\nw1/b\n\nPUT\nw1/live\nx\n');
  });

  it('runs the command after `--` for each event, with ETCD_WATCH_* describing it', async () => {
    const rev = nextRevision();
    both(['put', 'w2/a', 'with "quotes"']);
    both(['txn'], '\nput w2/b 1\ndel w2/a\n\n\n');
    both(['put', 'w2/end', 'x']);
    const script = 'echo "[$ETCD_WATCH_REVISION] $ETCD_WATCH_EVENT_TYPE $ETCD_WATCH_KEY=$ETCD_WATCH_VALUE"; echo "to stderr" >&2';
    const pair = start(['watch', 'w2/', '--prefix', '--rev', rev, '--', 'sh', '-c', script]);
    for (const k of KINDS) await pair[k].until((out) => out.includes('"w2/end"="x"'), `exec output for history (${k})`);
    both(['put', 'w2/live', 'y']);
    for (const k of KINDS) await pair[k].until((out) => out.includes('"w2/live"="y"'), `exec output for a live event (${k})`);
    for (const k of KINDS) expect(await pair[k].interrupt()).to.deep.equal({ code: null, signal: 'SIGINT' });
    compare(pair, 'exec');
    // History comes as one response, so every command sees that response's revision.
    const last = Number(rev) + 2;
    expect(pair.ours.stdout).to.equal(
      'PUT\nw2/a\nwith "quotes"\nPUT\nw2/b\n1\nDELETE\nw2/a\n\nPUT\nw2/end\nx\n' +
        `[${last}] "PUT" "w2/a"="with \\"quotes\\""\n[${last}] "PUT" "w2/b"="1"\n[${last}] "DELETE" "w2/a"=""\n[${last}] "PUT" "w2/end"="x"\n` +
        `PUT\nw2/live\ny\n[${last + 1}] "PUT" "w2/live"="y"\n`,
    );
    expect(pair.ours.stderr).to.equal('to stderr\n'.repeat(5));
  });

  it('ends with exit status 1 when the command fails or cannot be found', async () => {
    const rev = nextRevision();
    both(['put', 'w3/a', '1']);
    for (const [command, why] of [
      [['sh', '-c', 'exit 3'], 'exit status 3'],
      [['no-such-command-for-etcdctl'], 'exec: "no-such-command-for-etcdctl": executable file not found in $PATH'],
    ] as const) {
      const pair = start(['watch', 'w3/a', '--rev', rev, '--', ...command]);
      const ends = await Promise.all(KINDS.map((k) => pair[k].exited));
      expect(ends).to.deep.equal([
        { code: 1, signal: null },
        { code: 1, signal: null },
      ]);
      expect(pair.ours.stdout).to.equal(pair.etcd.stdout).and.to.equal('PUT\nw3/a\n1\n');
      // A bare message, no "Error: ": etcdctl writes it and calls os.Exit(1).
      const message = `command [${command.map((c) => JSON.stringify(c)).join(' ')}] error (${why})\n`;
      expect(pair.etcd.stderr).to.equal(message);
      expect(pair.ours.stderr).to.equal(message);
    }
  });

  it('-i: watches, progress and bad lines read from stdin', async () => {
    const rev = nextRevision();
    both(['put', 'w4/a', '1']);
    both(['put', 'w4/end', 'x']);
    const pair = start(['watch', '-i']);
    for (const k of KINDS) pair[k].write(`watch w4/ --prefix --rev ${rev} --prev-kv\n`);
    for (const k of KINDS) await pair[k].until(shows('w4/end'), `history (${k})`);
    for (const k of KINDS) pair[k].write('\nbogus line\nwatch\nwatch a b --prefix\nprogress\n');
    for (const k of KINDS) await pair[k].until((out) => out.includes('progress notify'), `progress (${k})`);
    both(['put', 'w4/end', 'y']);
    for (const k of KINDS) await pair[k].until((out) => out.endsWith('w4/end\ny\n'), `live event (${k})`);
    for (const k of KINDS) expect(await pair[k].interrupt()).to.deep.equal({ code: null, signal: 'SIGINT' });
    compare(pair, 'watch -i');
    expect(pair.ours.stderr).to.equal(
      'Invalid command:  (watch and progress supported)\nInvalid command bogus line (only support watch)\nInvalid command watch (command type or key is not provided)\n' +
        'Invalid command watch a b --prefix (`range_end` and `--prefix` are mutually exclusive)\n',
    );
    expect(pair.ours.stdout).to.match(/^PUT\nw4\/a\n1\nPUT\nw4\/end\nx\nprogress notify: \d+\nPUT\nw4\/end\nx\nw4\/end\ny\n$/);
  });

  it('takes the key and range from ETCDCTL_WATCH_KEY and ETCDCTL_WATCH_RANGE_END', async () => {
    const rev = nextRevision();
    both(['put', 'w5/a', '1']);
    both(['put', 'w5/b', '2']);
    both(['put', 'w5/c', '3']);
    const pair = start(['watch', '--rev', rev, '-w', 'json'], { ETCDCTL_WATCH_KEY: 'w5/a', ETCDCTL_WATCH_RANGE_END: 'w5/c' });
    for (const k of KINDS) await pair[k].until(shows('w5/b'), `history (${k})`);
    for (const k of KINDS) expect(await pair[k].interrupt()).to.deep.equal({ code: null, signal: 'SIGINT' });
    compare(pair, 'env');
    expect(pair.ours.stdout).not.to.contain(b64('w5/c'));

    for (const [env, args] of [
      [{ ETCDCTL_WATCH_KEY: 'w5/a' }, ['watch', 'w5/a']],
      [{ ETCDCTL_WATCH_KEY: 'w5/a' }, ['watch', 'w5/a', '--', 'echo']],
      [{ ETCDCTL_WATCH_RANGE_END: 'w5/c' }, ['watch', 'w5/a']],
    ] as const) {
      const [want, got] = KINDS.map((k) => {
        const argv = [`--endpoints=${servers![k].endpoint}`, ...args];
        const r = k === 'etcd' ? spawnSync('etcdctl', argv, { encoding: 'utf8', env: { ...process.env, ETCDCTL_API: '3', ...env } }) : spawnSync(process.execPath, [OUR_ETCDCTL, ...argv], { encoding: 'utf8', env: { ...process.env, ...env } });
        return normalise({ stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 }, names[k]);
      });
      expect(got, JSON.stringify(env)).to.deep.equal(want);
      expect(got.code).to.equal(128);
    }
  });
});

/** Watches that end by themselves: cancelled by the server after compaction, or refused by etcdctl. */
const ENDINGS: Step[] = [
  { args: ['put', 'wc', '1'] },
  { args: ['put', 'wc', '2'] },
  { args: ['put', 'wc', '3'] },
  { args: ['compaction', '4'] },
  { args: ['watch', 'wc', '--rev', '2'] },
  { args: ['watch', 'wc', '--rev', '3', '-w', 'json'] },
  { args: ['watch', 'wc', '--rev', '1', '-w', 'fields', '--prefix'] },
  { args: ['watch'] },
  { args: ['watch', 'a', '--'] },
  { args: ['watch', 'a', 'b', '--prefix'] },
  { args: ['watch', '-i'], input: '\nbogus\nwatch\nwatch a b --prefix\n' },
  { args: ['watch', '-i'], input: 'watch a --bogus\n' },
  { args: ['watch', '-i'], input: 'watch a --rev x\n' },
  { args: ['watch', '-i'], input: 'watch a --\n' },
  { args: ['watch', '-i'], input: 'watch -h\n' },
  { args: ['watch', '-i'], input: 'watch "a\\q"\n' },
];

goldenSession('watch: cancelled by compaction, refused arguments', ENDINGS);
