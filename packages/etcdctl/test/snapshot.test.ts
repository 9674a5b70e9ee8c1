import { expect } from 'chai';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSnapshotFile } from '@flotilla/kvstore';
import { Crc32c } from '../src/snapshot/crc32c.js';
import { humanBytes } from '../src/output/table.js';
import { etcdctl, freePort, has, Server } from './servers.js';

const FORMATS = ['simple', 'json', 'fields', 'table'] as const;

/** The `msg` of each JSON log line etcdctl wrote on stderr, and what is left once they are taken out. */
function logs(stderr: string): { messages: string[]; rest: string } {
  const lines = stderr.split('\n').filter(Boolean);
  const json = lines.filter((l) => l.startsWith('{"level":'));
  return { messages: json.map((l) => (JSON.parse(l) as { msg: string }).msg), rest: lines.filter((l) => !l.startsWith('{"level":')).join('\n') };
}

describe('etcdctl snapshot', function () {
  this.timeout(120_000);

  it('hashes with CRC-32C, as etcd does', () => {
    const h = new Crc32c();
    h.write(new TextEncoder().encode('1234'));
    h.write(new TextEncoder().encode('56789'));
    expect(h.sum()).to.equal(0xe3069283);
  });

  describe("etcd's snapshots (bbolt files)", () => {
    let real: Server | undefined;
    let dir = '';
    before(async function () {
      if (!has('etcd') || !has('etcdctl', 'version')) this.skip();
      dir = await mkdtemp(join(tmpdir(), 'flotilla-etcdctl-snap-'));
      real = await Server.start('etcd');
      for (const [k, v] of [['a', '1'], ['b', '2'], ['a', '3']]) expect(etcdctl('etcd', real.endpoint, ['put', k, v]).code).to.equal(0);
    });
    after(async () => {
      await real?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('saves from a real etcd, through its gateway, what etcdctl saves, logging the same steps', () => {
      const want = etcdctl('etcd', real!.endpoint, ['snapshot', 'save', join(dir, 'real.db')]);
      const got = etcdctl('ours', real!.endpoint, ['snapshot', 'save', join(dir, 'ours.db')]);
      expect(got.stdout).to.equal(`Snapshot saved at ${join(dir, 'ours.db')}\n`);
      expect([got.code, logs(got.stderr).rest]).to.deep.equal([0, '']);
      // etcdctl's client logs one line more (its gRPC stream); the snapshot steps are the same.
      expect(logs(got.stderr).messages.filter((m) => !m.includes('snapshot stream') && !m.includes('snapshot read'))).to.deep.equal(
        logs(want.stderr).messages.filter((m) => !m.includes('snapshot stream') && !m.includes('snapshot read')),
      );
    });

    it('reads them as etcdctl does, in every format', async () => {
      expect(await readdir(dir)).to.have.members(['real.db', 'ours.db']);
      for (const file of ['real.db', 'ours.db']) {
        for (const format of FORMATS) {
          const args = ['snapshot', 'status', join(dir, file), '-w', format];
          expect(etcdctl('ours', real!.endpoint, args), `${file} -w ${format}`).to.deep.equal(etcdctl('etcd', real!.endpoint, args));
        }
      }
      // Three puts after the first revision.
      expect(etcdctl('ours', real!.endpoint, ['snapshot', 'status', join(dir, 'ours.db'), '-w', 'json']).stdout).to.match(/"revision":4,/);
    });

    it('reports a file that is no database as etcdctl does', async () => {
      await writeFile(join(dir, 'junk.db'), 'hello\n');
      const args = ['snapshot', 'status', join(dir, 'junk.db')];
      expect(etcdctl('ours', real!.endpoint, args)).to.deep.equal({ stdout: '', stderr: 'Error: invalid database\n', code: 1 });
      expect(etcdctl('etcd', real!.endpoint, args)).to.deep.equal(etcdctl('ours', real!.endpoint, args));
    });
  });

  describe("our kvstore's snapshots", () => {
    let ours: Server | undefined;
    let dir = '';
    const run = (...args: string[]) => etcdctl('ours', ours!.endpoint, args);
    const status = (file: string) => JSON.parse(run('snapshot', 'status', join(dir, file), '-w', 'json').stdout) as { hash: number; revision: number; totalKey: number; totalSize: number };

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'flotilla-etcdctl-snap-'));
      ours = await Server.start('ours');
    });
    after(async () => {
      await ours?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('saves a copy that says where it was taken, and reads it back in every format', async () => {
      for (const k of ['k1', 'k2', 'k3']) expect(run('put', k, 'v').code).to.equal(0);
      const saved = run('snapshot', 'save', join(dir, 's1.db'));
      expect([saved.stdout, saved.code, logs(saved.stderr).rest]).to.deep.equal([`Snapshot saved at ${join(dir, 's1.db')}\n`, 0, '']);
      expect(logs(saved.stderr).messages).to.deep.equal(['created temporary db file', 'opened snapshot stream; downloading', 'fetching snapshot', 'completed snapshot read; closing', 'fetched snapshot', 'saved']);
      expect(await readdir(dir)).to.deep.equal(['s1.db']);

      const file = new Uint8Array(await readFile(join(dir, 's1.db')));
      const envelope = decodeSnapshotFile(file);
      const crc = new Crc32c();
      crc.write(envelope.data);
      const want = { hash: crc.sum(), revision: 4, totalKey: 3, totalSize: file.byteLength - 32 };
      expect(status('s1.db')).to.deep.equal(want);
      expect(envelope.revision).to.equal(4);
      const hex = want.hash.toString(16);
      expect(run('snapshot', 'status', join(dir, 's1.db')).stdout).to.equal(`${hex}, 4, 3, ${humanBytes(want.totalSize)}\n`);
      expect(run('snapshot', 'status', join(dir, 's1.db'), '-w', 'fields').stdout).to.equal(`"Hash" : ${want.hash}\n"Revision" : 4\n"Keys" : 3\n"Size" : ${want.totalSize}\n`);
      expect(run('snapshot', 'status', join(dir, 's1.db'), '-w', 'table').stdout).to.contain(`| ${hex} |        4 |          3 |`);
    });

    it('hashes the state: the same without writes, another after one', async () => {
      expect(run('snapshot', 'save', join(dir, 's2.db')).code).to.equal(0);
      expect(status('s2.db')).to.deep.equal(status('s1.db'));
      expect(run('put', 'k4', 'v').code).to.equal(0);
      expect(run('snapshot', 'save', join(dir, 's3.db')).code).to.equal(0);
      const after = status('s3.db');
      expect([after.revision, after.totalKey]).to.deep.equal([5, 4]);
      expect(after.hash).to.not.equal(status('s1.db').hash);
    });

    it('gives up at --command-timeout on a member that does not answer, leaving no part file', async () => {
      const out = etcdctl('ours', '127.0.0.1:1', ['--command-timeout=1s', 'snapshot', 'save', join(dir, 't.db')]);
      expect([out.stdout, out.code, logs(out.stderr).rest]).to.deep.equal(['', 5, 'Error: context deadline exceeded']);
      expect(existsSync(join(dir, 't.db'))).to.equal(false);
      expect(existsSync(join(dir, 't.db.part'))).to.equal(false);
    });

    it('refuses a file whose digest does not match', async () => {
      await copyFile(join(dir, 's1.db'), join(dir, 'bad.db'));
      const bytes = await readFile(join(dir, 'bad.db'));
      bytes[10] ^= 0xff;
      await writeFile(join(dir, 'bad.db'), bytes);
      const out = run('snapshot', 'status', join(dir, 'bad.db'));
      expect([out.stdout, out.code]).to.deep.equal(['', 1]);
      expect(out.stderr).to.match(/^Error: .*sha256/);
    });

    it('restores into a new data dir a kvstore starts from: the keys at their revisions, under a new member ID', async () => {
      const target = join(dir, 'restored');
      const peer = `http://127.0.0.1:${await freePort()}`;
      const flags = ['--name=r', `--initial-cluster=r=${peer}`, `--initial-advertise-peer-urls=${peer}`, '--initial-cluster-token=restored'];
      const out = run('snapshot', 'restore', join(dir, 's3.db'), `--data-dir=${target}`, ...flags);
      expect([out.stdout, out.code, logs(out.stderr).rest]).to.deep.equal(['', 0, '']);
      expect(logs(out.stderr).messages).to.deep.equal(['restoring snapshot', 'restored snapshot']);
      // etcd refuses a data dir that exists; so does a second restore.
      const again = run('snapshot', 'restore', join(dir, 's3.db'), `--data-dir=${target}`, ...flags);
      expect([again.code, logs(again.stderr).rest]).to.deep.equal([1, `Error: data-dir "${target}" exists`]);

      const restored = await Server.start('ours', { dataDir: target, name: 'r', peer });
      try {
        const at = (...args: string[]) => etcdctl('ours', restored.endpoint, args);
        const get = JSON.parse(at('get', 'k', '--prefix', '-w', 'json').stdout) as { header: { revision: number; member_id: number }; kvs: { key: string; create_revision: number; mod_revision: number }[] };
        const original = JSON.parse(run('get', 'k', '--prefix', '-w', 'json').stdout) as typeof get;
        // s3.db was saved after the last put: the same keys at the same revisions.
        expect(get.header.revision).to.equal(5);
        expect(get.kvs).to.deep.equal(original.kvs);
        expect(get.kvs.map((kv) => Buffer.from(kv.key, 'base64').toString())).to.deep.equal(['k1', 'k2', 'k3', 'k4']);
        expect(String(get.header.member_id)).to.not.equal(String(original.header.member_id));
        expect(at('member', 'list').stdout).to.match(new RegExp(`^[0-9a-f]+, started, r, ${peer}, http://${restored.endpoint}, false\n$`));
        expect(at('put', 'k5', 'v').code).to.equal(0);
        expect(JSON.parse(at('get', 'k5', '-w', 'json').stdout).kvs[0].mod_revision).to.equal(6);
      } finally {
        await restored.stop();
      }
    });

    it('refuses --wal-dir: a kvstore member keeps its log in its data dir', () => {
      const target = join(dir, 'restored-wal');
      const out = run('snapshot', 'restore', join(dir, 's1.db'), `--data-dir=${target}`, `--wal-dir=${join(dir, 'wal')}`);
      expect([out.stdout, out.code]).to.deep.equal(['', 1]);
      expect(logs(out.stderr).rest).to.equal(`Error: --wal-dir is not supported: a kvstore member keeps its log in --data-dir (${target})`);
      expect(existsSync(target)).to.equal(false);
    });
  });
});
