import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { LatencyRecorder } from '../../src/bench/latency-recorder.js';
import { benchMain } from '../../src/bench/main.js';
import { ProcessCluster } from '../cluster/process-cluster.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'kvstore.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `kvstore bench ...` as a child process, the way a user would. */
function bench(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'bench', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A stream that keeps what is written to it. */
class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

interface ResultFile {
  workload: string;
  total: number;
  succeeded: number;
  failed: number;
  throughput: number;
  errors: Record<string, number>;
  percentilesMs: Record<string, number>;
  series: { second: number; requests: number }[];
  stats: Record<string, number | string>;
  flags: Record<string, unknown>;
}

async function readResult(path: string): Promise<ResultFile> {
  return JSON.parse(await readFile(path, 'utf8')) as ResultFile;
}

function expectSaneRun(r: ResultFile, total: number): void {
  expect(r.errors).to.deep.equal({});
  expect(r.total).to.equal(total);
  expect(r.succeeded).to.equal(total);
  expect(r.failed).to.equal(0);
  expect(r.throughput).to.be.greaterThan(0);
  const p = r.percentilesMs;
  expect(p.p50).to.be.greaterThan(0);
  expect(p.p50).to.be.at.most(p.p90);
  expect(p.p90).to.be.at.most(p.p99);
  expect(p.p99).to.be.at.most(p['p99.9']);
  // The histogram rounds to 3 significant digits; max is exact.
  expect(p['p99.9']).to.be.at.most(p.max * 1.001);
  expect(r.series.reduce((n, s) => n + s.requests, 0)).to.equal(total);
}

describe('kvstore bench', function () {
  this.timeout(60_000);
  let cluster: ProcessCluster;
  let dir: string;
  let endpoints: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flotilla-kv-bench-'));
    cluster = await ProcessCluster.start(3);
    endpoints = cluster.members.map((m) => m.clientUrl).join(',');
  });
  after(async () => {
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const keyFlags = ['--sequential-keys', '--key-space-size', '200'];

  it('put: writes --total keys from 4 clients and reports etcd-style figures, JSON and SVG', async () => {
    const run = await bench(['put', '--endpoints', endpoints, '--total', '200', '--clients', '4', ...keyFlags, '--out', 'put.json'], dir);
    expect(run.code, run.stderr).to.equal(0);
    for (const line of ['Summary:', 'Total:', 'Slowest:', 'Fastest:', 'Average:', 'Stddev:', 'Requests/sec:', '99.9% in']) expect(run.stdout).to.contain(line);
    const r = await readResult(join(dir, 'put.json'));
    expect(r.workload).to.equal('put');
    expect(r.flags).to.include({ total: 200, clients: 4, conns: 1 });
    expectSaneRun(r, 200);
    expect((await readFile(join(dir, 'put.svg'), 'utf8')).startsWith('<svg')).to.equal(true);
  });

  it('range: reads back every key the put run wrote, linearizable and serializable', async () => {
    for (const consistency of ['l', 's']) {
      const out = `range-${consistency}.json`;
      const run = await bench(['range', '--endpoints', endpoints, '--total', '200', '--clients', '4', '--consistency', consistency, ...keyFlags, '--out', out], dir);
      expect(run.code, run.stderr).to.equal(0);
      const r = await readResult(join(dir, out));
      expectSaneRun(r, 200);
      expect(r.stats).to.include({ kvsReturned: 200, emptyResponses: 0 });
    }
  });

  it('--transport grpc runs put and range over etcd\'s gRPC API on the same URLs', async () => {
    const put = await bench(['put', '--endpoints', endpoints, '--total', '100', '--clients', '4', '--conns', '2', '--transport', 'grpc', '--target-leader', '--out', 'grpc-put.json'], dir);
    expect(put.code, put.stderr).to.equal(0);
    const p = await readResult(join(dir, 'grpc-put.json'));
    expectSaneRun(p, 100);
    expect(p.stats.leader).to.equal((await cluster.leader()).clientUrl);
    const range = await bench(['range', '--endpoints', endpoints, '--total', '100', '--clients', '4', '--transport', 'grpc', ...keyFlags, '--out', 'grpc-range.json'], dir);
    expect(range.code, range.stderr).to.equal(0);
    const r = await readResult(join(dir, 'grpc-range.json'));
    expectSaneRun(r, 100);
    expect(r.stats).to.include({ kvsReturned: 100, emptyResponses: 0 });
  });

  it('put --target-leader sends every put to the leader', async () => {
    const run = await bench(['put', '--endpoints', endpoints, '--total', '50', '--clients', '2', '--target-leader', '--out', 'leader.json'], dir);
    expect(run.code, run.stderr).to.equal(0);
    const r = await readResult(join(dir, 'leader.json'));
    expectSaneRun(r, 50);
    expect(r.stats.leader).to.equal((await cluster.leader()).clientUrl);
  });

  it('watch: every watcher receives an event for every put', async () => {
    const run = await bench(['watch', '--endpoints', endpoints, '--watchers', '4', '--streams', '2', '--put-total', '50', '--clients', '2', '--out', 'watch.json'], dir);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('Watch creation summary:').and.to.contain('Watch events received summary:');
    const r = await readResult(join(dir, 'watch.json'));
    expectSaneRun(r, 200);
    expect(r.stats).to.include({ watchers: 4, streams: 2, putsSucceeded: 50, eventsReceived: 200 });
  });

  it('writes to ./bench-results/kvstore-bench-<workload>.json by default', async () => {
    const run = await bench(['range', '--endpoints', endpoints, '--total', '10', '--consistency', 's'], dir);
    expect(run.code, run.stderr).to.equal(0);
    expect((await stat(join(dir, 'bench-results', 'kvstore-bench-range.json'))).isFile()).to.equal(true);
    expect((await stat(join(dir, 'bench-results', 'kvstore-bench-range.svg'))).isFile()).to.equal(true);
  });

  it('counts failed requests by message instead of stopping', async () => {
    const dead = 'http://127.0.0.1:1';
    const run = await bench(['put', '--endpoints', dead, '--total', '5', '--out', 'dead.json'], dir);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('Error distribution:').and.to.contain('ECONNREFUSED');
    const r = await readResult(join(dir, 'dead.json'));
    expect(r.total).to.equal(5);
    expect(r.failed).to.equal(5);
    expect(Object.values(r.errors)).to.deep.equal([5]);
  });
});

describe('kvstore bench flags', function () {
  this.timeout(20_000);

  it('refuses bad flags with a message and exit code 1', async () => {
    const run = await bench(['put', '--bogus'], tmpdir());
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/Unknown option '--bogus'/);

    const cases: [string[], RegExp][] = [
      [['put', '--clients', '0'], /--clients: "0" is not a positive integer/],
      [['put', '--total', '1e3'], /--total: "1e3" is not a positive integer/],
      [['range', '--consistency', 'x'], /--consistency: "x" is not l \(linearizable\) or s \(serializable\)/],
      [['range', 'a', 'b', 'c'], /at most KEY and END/],
      [['watch', '--total', '5'], /Unknown option '--total'/],
      [['put', '--key-size', '2', '--key-space-size', '1000'], /--key-size 2 cannot hold 1000 distinct keys/],
      [['put', '--endpoints', 'localhost'], /--endpoints: "localhost" is not a URL/],
      [['delete'], /unknown workload "delete"/],
      [[], /a workload is required/],
    ];
    for (const [args, message] of cases) {
      const io = { stdout: new Capture(), stderr: new Capture(), cwd: tmpdir() };
      expect(await benchMain(args, io), args.join(' ')).to.equal(1);
      expect(io.stderr.text).to.match(message);
    }
  });
});

describe('LatencyRecorder', () => {
  it('keeps exact extremes and mean, HDR percentiles, errors by message and a per-second series', () => {
    const r = new LatencyRecorder(1000);
    // Latencies of 1…100 ms; the first 66 end within second 0, the rest in second 1.
    for (let i = 1; i <= 100; i++) r.record(1000 + 15 * i - i, 1000 + 15 * i);
    r.recordError('etcdserver: request timed out', 3500, 3);
    r.recordError('connect ECONNREFUSED', 4200);
    const s = r.summary();
    expect(s).to.include({ count: 100, fastestMs: 1, slowestMs: 100, averageMs: 50.5 });
    expect(s.stddevMs).to.be.closeTo(28.866, 0.001);
    expect(s.percentilesMs.p50).to.be.closeTo(50, 0.05);
    expect(s.percentilesMs.p99).to.be.closeTo(99, 0.1);
    expect(s.percentilesMs.max).to.equal(100);
    expect(r.errors()).to.deep.equal({ 'etcdserver: request timed out': 3, 'connect ECONNREFUSED': 1 });
    expect(r.series().map((p) => [p.second, p.requests, p.errors])).to.deep.equal([
      [0, 66, 0],
      [1, 34, 0],
      [2, 0, 3],
      [3, 0, 1],
    ]);
  });
});
