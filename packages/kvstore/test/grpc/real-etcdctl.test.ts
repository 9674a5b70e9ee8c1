import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ProcessCluster } from '../cluster/process-cluster.js';

/** The real etcdctl from the system, never a node_modules/.bin one (npm links ours there). */
const ETCDCTL = ['/usr/bin/etcdctl', '/usr/local/bin/etcdctl'].find((p) => spawnSync(p, ['version']).status === 0);

interface Run {
  readonly out: string;
  readonly err: string;
  readonly code: number | null;
}

/**
 * The real etcdctl 3.4 speaks only gRPC: every command here goes over HTTP/2 to the same
 * client URL that serves the JSON gateway, and must behave as it does against etcd.
 */
describe('gRPC: the real etcdctl 3.4 against our three-member cluster', function () {
  this.timeout(120_000);
  let cluster: ProcessCluster;
  let dir: string;
  const endpoints = () => cluster.members.map((m) => m.clientUrl.replace('http://', '')).join(',');
  const etcdctl = (args: string[], input = ''): Run => {
    const r = spawnSync(ETCDCTL!, [`--endpoints=${endpoints()}`, ...args], { input, encoding: 'utf8', env: { ...process.env, ETCDCTL_API: '3' }, timeout: 20_000 });
    return { out: r.stdout, err: r.stderr, code: r.status };
  };
  const ok = (args: string[], input = '') => {
    const r = etcdctl(args, input);
    expect(r.code, `etcdctl ${args.join(' ')}: ${r.err}`).to.equal(0);
    return r.out;
  };

  before(async function () {
    if (!ETCDCTL) {
      console.log('      (etcdctl not installed: skipped; .ci/run installs etcd-client)');
      this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'flotilla-grpc-'));
    cluster = await ProcessCluster.start(3);
  });
  after(async () => {
    await cluster?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('put, get with its flags, del', () => {
    expect(ok(['put', 'g/a', '1'])).to.equal('OK\n');
    ok(['put', 'g/b', '2']);
    ok(['put', 'g/c', '3']);
    expect(ok(['put', 'g/a', '10', '--prev-kv'])).to.equal('OK\ng/a\n1\n');
    expect(ok(['get', 'g/', '--prefix'])).to.equal('g/a\n10\ng/b\n2\ng/c\n3\n');
    expect(ok(['get', 'g/', '--prefix', '--keys-only', '--sort-by=KEY', '--order=DESCEND'])).to.equal('g/c\n\ng/b\n\ng/a\n\n');
    expect(ok(['get', 'g/', '--prefix', '--limit=1', '--print-value-only'])).to.equal('10\n');
    expect(ok(['get', 'g/a', '--consistency=s', '--print-value-only'])).to.equal('10\n');
    const json = JSON.parse(ok(['get', 'g/b', '--from-key', '-w', 'json']));
    expect(json.count).to.equal(2);
    expect(json.kvs.map((kv: { key: string }) => Buffer.from(kv.key, 'base64').toString())).to.deep.equal(['g/b', 'g/c']);
    expect(ok(['del', 'g/b', '--prev-kv'])).to.equal('1\ng/b\n2\n');
    expect(ok(['get', 'g/b'])).to.equal('');
  });

  it('txn from stdin, compaction and the compacted-revision error', () => {
    ok(['put', 't/k', 'v1']);
    const out = ok(['txn'], 'value("t/k") = "v1"\n\nput t/k v2\nget t/k\n\nput t/k never\n\n');
    expect(out).to.equal('SUCCESS\n\nOK\n\nt/k\nv2\n');
    const rev = JSON.parse(ok(['get', 't/k', '-w', 'json'])).header.revision as number;
    expect(ok(['compaction', String(rev)])).to.equal(`compacted revision ${rev}\n`);
    const old = etcdctl(['get', 't/k', `--rev=${rev - 1}`]);
    expect(old.code).to.equal(1);
    expect(old.err).to.contain('Error: etcdserver: mvcc: required revision has been compacted');
  });

  it('watch with --rev and --prev-kv sees history, then live events', async () => {
    ok(['put', 'w/k', 'one']);
    const rev = JSON.parse(ok(['get', 'w/k', '-w', 'json'])).header.revision as number;
    const child = spawn(ETCDCTL!, [`--endpoints=${endpoints()}`, 'watch', 'w/k', `--rev=${rev}`, '--prev-kv'], { env: { ...process.env, ETCDCTL_API: '3' } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    try {
      const until = async (text: string) => {
        for (let i = 0; i < 200 && !out.includes(text); i++) await new Promise((r) => setTimeout(r, 50));
      };
      await until('one');
      ok(['put', 'w/k', 'two']);
      await until('two');
      expect(out).to.equal('PUT\nw/k\none\nPUT\nw/k\none\nw/k\ntwo\n');
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await exited;
    }
  });

  it('leases: grant, keep-alive --once, timetolive --keys, list, revoke takes the keys', () => {
    const id = /lease ([0-9a-f]+) granted with TTL\(60s\)/.exec(ok(['lease', 'grant', '60']))![1];
    ok(['put', 'l/k', 'v', `--lease=${id}`]);
    expect(ok(['lease', 'keep-alive', '--once', id])).to.equal(`lease ${id} keepalived with TTL(60)\n`);
    expect(ok(['lease', 'timetolive', '--keys', id])).to.match(new RegExp(`^lease ${id} granted with TTL\\(60s\\), remaining\\((59|60)s\\), attached keys\\(\\[l/k\\]\\)\\n$`));
    expect(ok(['lease', 'list'])).to.contain(id);
    expect(ok(['lease', 'revoke', id])).to.equal(`lease ${id} revoked\n`);
    expect(ok(['get', 'l/k'])).to.equal('');
  });

  it('member list, endpoint status and health, hashkv equal on every member', () => {
    const members = ok(['member', 'list']).trim().split('\n');
    expect(members).to.have.length(3);
    for (const line of members) expect(line).to.match(/^[0-9a-f]+, started, m\d, http:\/\/127\.0\.0\.1:\d+, http:\/\/127\.0\.0\.1:\d+, false$/);
    const status = ok(['endpoint', 'status']).trim().split('\n');
    expect(status.filter((l) => l.includes(', true, false, '))).to.have.length(1);
    const health = etcdctl(['endpoint', 'health']);
    expect(health.code).to.equal(0);
    expect(health.err.match(/is healthy: successfully committed proposal/g)).to.have.length(3);
    const hashes = ok(['endpoint', 'hashkv']).trim().split('\n').map((l) => l.split(', ')[1]);
    expect(new Set(hashes).size).to.equal(1);
  });

  it('--cluster and URL endpoints: etcdctl dials each member by its client URL', () => {
    const one = cluster.members[0].clientUrl.replace('http://', '');
    const run = (args: string[]) => spawnSync(ETCDCTL!, [`--endpoints=${one}`, ...args], { encoding: 'utf8', env: { ...process.env, ETCDCTL_API: '3' } });
    const status = run(['endpoint', 'status', '--cluster']);
    expect(status.status, status.stderr).to.equal(0);
    expect(status.stdout.trim().split('\n').map((l) => l.split(', ')[0]).sort()).to.deep.equal(cluster.members.map((m) => m.clientUrl).sort());
    const hashkv = run(['endpoint', 'hashkv', '--cluster']);
    expect(hashkv.status, hashkv.stderr).to.equal(0);
    expect(new Set(hashkv.stdout.trim().split('\n').map((l) => l.split(', ')[1])).size).to.equal(1);
    const byUrl = spawnSync(ETCDCTL!, [`--endpoints=${cluster.members[1].clientUrl}`, 'defrag'], { encoding: 'utf8', env: { ...process.env, ETCDCTL_API: '3' } });
    expect(byUrl.stdout).to.equal(`Finished defragmenting etcd member[${cluster.members[1].clientUrl}]\n`);
  });

  it('snapshot save writes our snapshot file through the Maintenance stream', async () => {
    const file = join(dir, 'snap.db');
    const r = spawnSync(ETCDCTL!, [`--endpoints=${cluster.members[0].clientUrl.replace('http://', '')}`, 'snapshot', 'save', file], { encoding: 'utf8', env: { ...process.env, ETCDCTL_API: '3' } });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal(`Snapshot saved at ${file}\n`);
    expect((await readFile(file)).subarray(0, 64).toString('latin1')).to.contain('flotilla-kvstore-snapshot');
  });

  it('defrag, alarm list, lock and elect', () => {
    expect(ok(['defrag']).trim().split('\n')).to.have.length(3);
    expect(ok(['alarm', 'list'])).to.equal('');
    expect(ok(['lock', 'grpc-lock', 'echo', 'held'])).to.equal('held\n');
    const elect = spawnSync(ETCDCTL!, [`--endpoints=${endpoints()}`, 'elect', 'grpc-election', 'me'], { encoding: 'utf8', env: { ...process.env, ETCDCTL_API: '3' }, timeout: 3000, killSignal: 'SIGINT' });
    expect(elect.stdout).to.match(/^grpc-election\/[0-9a-f]+\nme\n/);
  });
});
