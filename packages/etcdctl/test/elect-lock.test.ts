import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUR_ETCDCTL, Server, etcdctl, has } from './servers.js';

type Kind = 'ours' | 'etcd';

/** A long-running etcdctl (ours or etcd's): its output so far, and a way to interrupt it as a terminal would. */
class Running {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(private readonly kind: Kind, endpoint: string, private readonly args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    const argv = [`--endpoints=${endpoint}`, ...args];
    const options = { env: { ...process.env, ETCDCTL_API: '3', ...env }, stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'] };
    this.child = kind === 'etcd' ? spawn('etcdctl', argv, options) : spawn(process.execPath, [OUR_ETCDCTL, ...argv], options);
    this.child.stdout!.on('data', (d) => (this.stdout += d));
    this.child.stderr!.on('data', (d) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with stdout once it matches `pattern`; rejects after `ms`. */
  async waitFor(pattern: RegExp, ms = 30_000): Promise<string> {
    const until = Date.now() + ms;
    while (!pattern.test(this.stdout)) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${pattern}; stdout ${JSON.stringify(this.stdout)}, stderr ${JSON.stringify(this.stderr)}`);
      if (!this.running) throw new Error(`exited before ${pattern}; stdout ${JSON.stringify(this.stdout)}, stderr ${JSON.stringify(this.stderr)}`);
      await sleep(50);
    }
    return this.stdout;
  }

  /** SIGINT, as Ctrl-C; resolves with the exit code, or rejects saying who did not exit within `ms`. */
  async interrupt(ms = 20_000): Promise<number | null> {
    this.child.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.kind} etcdctl ${this.args.join(' ')} still running ${ms} ms after SIGINT; stdout ${JSON.stringify(this.stdout)}, stderr ${JSON.stringify(this.stderr)}`)), ms);
    });
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends it for good (test clean-up). */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** What `lock NAME` and `elect NAME PROPOSAL` print: the key (name/lease in hex) and the value. */
const held = (name: string, value = '') => new RegExp(`^${name}/[0-9a-f]+\\n${value}\\n$`);
/** Long enough for a waiting etcdctl to have printed, had it wrongly got the lock. */
const QUIET_MS = 1500;

describe('etcdctl elect and lock', function () {
  this.timeout(120_000);
  let etcd: Server | undefined;
  let ours: Server | undefined;
  let scratch = '';
  const started: Running[] = [];
  const start = (kind: Kind, server: Server, args: readonly string[], env?: NodeJS.ProcessEnv) => {
    const r = new Running(kind, server.endpoint, args, env);
    started.push(r);
    return r;
  };

  before(async function () {
    if (!has('etcd') || !has('etcdctl', 'version')) {
      console.log('      (etcd / etcdctl not installed: skipped; .ci/run installs them)');
      this.skip();
    }
    [etcd, ours] = await Promise.all([Server.start('etcd'), Server.start('ours')]);
    scratch = await mkdtemp(join(tmpdir(), 'flotilla-etcdctl-lock-'));
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((r) => r.kill()));
  });
  after(async () => {
    await Promise.all([etcd?.stop(), ours?.stop()]);
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  describe("ours and etcd's, against a real etcd", () => {
    it('lock: each waits while the other holds the lock, and gets it when the holder is interrupted', async () => {
      const a = start('ours', etcd!, ['lock', 'L1']);
      const keyA = await a.waitFor(held('L1'));
      const b = start('etcd', etcd!, ['lock', 'L1']);
      await sleep(QUIET_MS);
      expect(b.stdout, "etcd's etcdctl must wait").to.equal('');
      expect(await a.interrupt()).to.equal(0);
      const keyB = await b.waitFor(held('L1'));
      expect(keyB).to.not.equal(keyA);

      const c = start('ours', etcd!, ['lock', 'L1']);
      await sleep(QUIET_MS);
      expect(c.stdout, 'ours must wait').to.equal('');
      expect(await b.interrupt()).to.equal(0);
      await c.waitFor(held('L1'));
      expect(await c.interrupt()).to.equal(0);
      expect(etcdctl('etcd', etcd!.endpoint, ['get', 'L1', '--prefix', '--keys-only']).stdout, 'every holder unlocked').to.equal('');
    });

    it('lock NAME CMD: commands run under ours and under etcd\'s never overlap', async () => {
      // Each command takes a directory only one can hold at a time, and fails if it is taken.
      const critical = `mkdir "${scratch}/held" || exit 9; sleep 0.3; rmdir "${scratch}/held"`;
      const runs = (['ours', 'etcd', 'ours', 'etcd', 'ours', 'etcd'] as const).map((kind) => start(kind, etcd!, ['lock', 'L2', '--', 'sh', '-c', critical]));
      const codes = await Promise.all(runs.map((r) => r.exited));
      expect(codes).to.deep.equal([0, 0, 0, 0, 0, 0]);
      expect(runs.map((r) => r.stderr).join('')).to.equal('');
    });

    it('lock NAME CMD: ETCD_LOCK_KEY and ETCD_LOCK_REV, and failures reported as etcdctl reports them', async () => {
      const env = start('ours', etcd!, ['lock', 'L3', '--', 'sh', '-c', 'echo "$ETCD_LOCK_KEY $ETCD_LOCK_REV ${ETCDCTL_API:-unset}"']);
      expect(await env.exited).to.equal(0);
      const [key, rev, api] = env.stdout.trim().split(' ');
      expect(key).to.match(/^L3\/[0-9a-f]+$/);
      expect(Number(rev)).to.be.greaterThan(0);
      expect(api, 'etcdctl unsets ETCDCTL_API before running anything').to.equal('unset');

      for (const command of [['true'], ['sh', '-c', 'echo out; echo err >&2; exit 3'], ['sh', '-c', 'kill -TERM $$'], ['/nonexistent/cmd'], ['no-such-command-anywhere']]) {
        const [real, mine] = await Promise.all((['etcd', 'ours'] as const).map(async (kind) => {
          const r = start(kind, etcd!, ['lock', 'L3', '--', ...command]);
          const code = await r.exited;
          return { stdout: r.stdout, stderr: r.stderr, code };
        }));
        expect(mine, command.join(' ')).to.deep.equal(real);
      }
      expect(etcdctl('etcd', etcd!.endpoint, ['get', 'L3', '--prefix', '--keys-only']).stdout).to.equal('');
    });

    it('elect: leadership passes between ours and etcd\'s candidates, and both observers see each leader', async () => {
      const watchers = [start('ours', etcd!, ['elect', '-l', 'E1']), start('etcd', etcd!, ['elect', '-l', 'E1'])];
      await sleep(QUIET_MS);
      const c1 = start('ours', etcd!, ['elect', 'E1', 'p1']);
      const led1 = await c1.waitFor(held('E1', 'p1'));
      const c2 = start('etcd', etcd!, ['elect', 'E1', 'p2']);
      await sleep(QUIET_MS);
      expect(c2.stdout, "etcd's candidate must wait").to.equal('');
      expect(await c1.interrupt()).to.equal(0);
      const led2 = await c2.waitFor(held('E1', 'p2'));

      const c3 = start('ours', etcd!, ['elect', 'E1', 'p3']);
      await sleep(QUIET_MS);
      expect(c3.stdout, 'our candidate must wait').to.equal('');
      expect(await c2.interrupt()).to.equal(0);
      const led3 = await c3.waitFor(held('E1', 'p3'));

      const history = led1 + led2 + led3;
      for (const w of watchers) await w.waitFor(new RegExp(`^${history.replace(/\n/g, '\\n')}$`));
      expect(await c3.interrupt()).to.equal(0);
      expect(await Promise.all(watchers.map((w) => w.interrupt()))).to.deep.equal([0, 0]);
      expect(watchers[0].stdout).to.equal(watchers[1].stdout);
    });

    it('elect -l -w json prints the same responses as etcd\'s', async () => {
      const watchers = [start('ours', etcd!, ['-w', 'json', 'elect', '-l', 'E2']), start('etcd', etcd!, ['-w', 'json', 'elect', '-l', 'E2'])];
      await sleep(QUIET_MS);
      const c1 = start('etcd', etcd!, ['elect', 'E2', 'first']);
      await c1.waitFor(held('E2', 'first'));
      const c2 = start('etcd', etcd!, ['elect', 'E2', 'second']);
      await sleep(500);
      await c1.interrupt();
      await c2.waitFor(held('E2', 'second'));
      for (const w of watchers) await w.waitFor(/"value":"c2Vjb25k"/);
      await c2.interrupt();
      await Promise.all(watchers.map((w) => w.interrupt()));
      expect(watchers[0].stdout).to.equal(watchers[1].stdout);
      expect(watchers[0].stdout.trim().split('\n')).to.have.length(2);
    });

    it('a waiting lock or candidate interrupted fails with "context canceled", exit 1, as etcd\'s does', async () => {
      const holder = start('etcd', etcd!, ['lock', 'L4']);
      await holder.waitFor(held('L4'));
      const leader = start('etcd', etcd!, ['elect', 'E3', 'x']);
      await leader.waitFor(held('E3', 'x'));
      const waiting = [start('ours', etcd!, ['lock', 'L4']), start('etcd', etcd!, ['lock', 'L4']), start('ours', etcd!, ['elect', 'E3', 'y']), start('etcd', etcd!, ['elect', 'E3', 'z'])];
      await sleep(QUIET_MS * 2);
      const outcomes = await Promise.all(waiting.map(async (w) => ({ code: await w.interrupt(), stdout: w.stdout, stderr: w.stderr })));
      for (const o of outcomes) expect(o).to.deep.equal({ code: 1, stdout: '', stderr: 'Error: context canceled\n' });
      // The interrupted waiters left nothing behind: only the holder's and the leader's keys remain.
      expect(etcdctl('etcd', etcd!.endpoint, ['get', 'L4', '--prefix', '--keys-only']).stdout.trim().split('\n').filter(Boolean)).to.have.length(1);
      expect(etcdctl('etcd', etcd!.endpoint, ['get', 'E3', '--prefix', '--keys-only']).stdout.trim().split('\n').filter(Boolean)).to.have.length(1);
    });
  });

  describe('ours against our kvstore', () => {
    it('lock: one holder at a time, handed over on SIGINT; exec form excludes too', async () => {
      const a = start('ours', ours!, ['lock', 'K1']);
      await a.waitFor(held('K1'));
      const b = start('ours', ours!, ['lock', 'K1']);
      await sleep(QUIET_MS);
      expect(b.stdout).to.equal('');
      expect(await a.interrupt()).to.equal(0);
      await b.waitFor(held('K1'));
      expect(await b.interrupt()).to.equal(0);

      const critical = `mkdir "${scratch}/held-kv" || exit 9; sleep 0.3; rmdir "${scratch}/held-kv"`;
      const runs = [0, 1, 2, 3].map(() => start('ours', ours!, ['lock', 'K2', '--', 'sh', '-c', critical]));
      expect(await Promise.all(runs.map((r) => r.exited))).to.deep.equal([0, 0, 0, 0]);
      expect(etcdctl('ours', ours!.endpoint, ['get', 'K', '--prefix', '--keys-only']).stdout).to.equal('');
    });

    it('elect: the next candidate leads when the leader resigns; the observer sees both', async () => {
      const watcher = start('ours', ours!, ['elect', '-l', 'E4']);
      await sleep(QUIET_MS);
      const c1 = start('ours', ours!, ['elect', 'E4', 'one']);
      const led1 = await c1.waitFor(held('E4', 'one'));
      const c2 = start('ours', ours!, ['elect', 'E4', 'two']);
      await sleep(QUIET_MS);
      expect(c2.stdout).to.equal('');
      expect(await c1.interrupt()).to.equal(0);
      const led2 = await c2.waitFor(held('E4', 'two'));
      await watcher.waitFor(new RegExp(`^${(led1 + led2).replace(/\n/g, '\\n')}$`));
      expect(await c2.interrupt()).to.equal(0);
      expect(await watcher.interrupt()).to.equal(0);
    });
  });
});
