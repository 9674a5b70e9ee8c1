import { expect } from 'chai';
import { unpack } from 'msgpackr';
import { request } from 'undici';
import { MvccStore, decodeSnapshotFile } from '../../src/index.js';
import { ProcessCluster, b64, gw, unb64 } from './process-cluster.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('kvstore cluster: the JSON gateway', function () {
  this.timeout(60_000);
  let cluster: ProcessCluster;
  before(async () => {
    cluster = await ProcessCluster.start(3);
  });
  after(async () => {
    await cluster?.stop();
  });

  const url = (i: number) => cluster.members[i].clientUrl;

  it('writes on one member and reads on every other, linearizably, in etcd 3.4 JSON', async () => {
    const put = await gw(url(0), '/v3/kv/put', { key: b64('greeting'), value: b64('hello') });
    expect(put.status).to.equal(200);
    const rev = Number(put.body.header.revision);
    for (const i of [1, 2]) {
      const { body } = await gw(url(i), '/v3/kv/range', { key: b64('greeting') });
      expect(body.kvs).to.have.length(1);
      expect(unb64(body.kvs[0].key)).to.equal('greeting');
      expect(unb64(body.kvs[0].value)).to.equal('hello');
      expect(body.kvs[0].mod_revision).to.equal(String(rev));
      expect(body.kvs[0].version).to.equal('1');
      expect(body.count).to.equal('1');
      expect(body.header.cluster_id).to.match(/^\d+$/);
    }
  });

  it('prefix ranges, txn compare-and-swap, delete with prev_kv', async () => {
    for (const k of ['dir/a', 'dir/b', 'dir/c']) await gw(url(0), '/v3/kv/put', { key: b64(k), value: b64(k.toUpperCase()) });
    const prefix = await gw(url(1), '/v3/kv/range', { key: b64('dir/'), range_end: b64('dir0'), limit: 2 });
    expect(prefix.body.kvs.map((kv: { key: string }) => unb64(kv.key))).to.deep.equal(['dir/a', 'dir/b']);
    expect(prefix.body.more).to.equal(true);
    expect(prefix.body.count).to.equal('3');

    const current = await gw(url(0), '/v3/kv/range', { key: b64('dir/a') });
    const casOk = await gw(url(2), '/v3/kv/txn', {
      compare: [{ target: 'MOD', key: b64('dir/a'), mod_revision: current.body.kvs[0].mod_revision }],
      success: [{ request_put: { key: b64('dir/a'), value: b64('swapped') } }],
      failure: [{ request_range: { key: b64('dir/a') } }],
    });
    expect(casOk.body.succeeded).to.equal(true);
    const casStale = await gw(url(2), '/v3/kv/txn', {
      compare: [{ target: 'MOD', key: b64('dir/a'), modRevision: current.body.kvs[0].mod_revision }],
      success: [{ requestPut: { key: b64('dir/a'), value: b64('lost') } }],
      failure: [{ requestRange: { key: b64('dir/a') } }],
    });
    expect(casStale.body.succeeded ?? false).to.equal(false);
    expect(unb64(casStale.body.responses[0].response_range.kvs[0].value)).to.equal('swapped');

    const del = await gw(url(1), '/v3/kv/deleterange', { key: b64('dir/'), range_end: b64('dir0'), prev_kv: true });
    expect(del.body.deleted).to.equal('3');
    expect(del.body.prev_kvs.map((kv: { value: string }) => unb64(kv.value))).to.deep.equal(['swapped', 'DIR/B', 'DIR/C']);
  });

  it("answers bad input with etcd's error codes and messages, and keeps serving", async () => {
    const cases: [string, unknown, number, RegExp][] = [
      ['/v3/kv/put', '{not json', 400, /^invalid character 'n' looking for beginning of object key string$/],
      ['/v3/kv/put', { key: '***', value: b64('x') }, 400, /illegal base64 data at input byte 0/],
      ['/v3/kv/range', { key: b64('k'), sort_order: 'SIDEWAYS' }, 400, /^unknown value "SIDEWAYS" for enum etcdserverpb.RangeRequest_SortOrder$/],
      ['/v3/kv/put', { value: b64('x') }, 400, /^etcdserver: key is not provided$/],
      ['/v3/kv/range', { key: b64('k'), revision: '999999' }, 400, /^etcdserver: mvcc: required revision is a future revision$/],
      ['/v3/kv/put', { key: b64('k'), value: b64('v'), lease: '12345' }, 404, /^etcdserver: requested lease not found$/],
      ['/v3/kv/put', { key: b64('big'), value: Buffer.alloc(1_700_000).toString('base64') }, 400, /^etcdserver: request is too large$/],
      [
        '/v3/kv/txn',
        { success: Array.from({ length: 129 }, (_, i) => ({ request_put: { key: b64(`k${i}`), value: b64('v') } })) },
        400,
        /^etcdserver: too many operations in txn request$/,
      ],
      [
        '/v3/kv/txn',
        { success: [{ request_put: { key: b64('x'), value: b64('1') } }, { request_put: { key: b64('x'), value: b64('2') } }] },
        400,
        /^etcdserver: duplicate key given in txn request$/,
      ],
    ];
    for (const [path, body, status, message] of cases) {
      const res = await gw(url(0), path, body);
      expect(res.status, `${path} ${JSON.stringify(body).slice(0, 60)}`).to.equal(status);
      expect(res.body.message).to.match(message);
      expect(res.body.error).to.equal(res.body.message);
      expect(res.body.code).to.be.a('number');
    }
    const still = await gw(url(0), '/v3/kv/put', { key: b64('after-errors'), value: b64('ok') });
    expect(still.status).to.equal(200);
  });

  it('answers paths and methods no route serves in plain text, as Go’s HTTP server does', async () => {
    const answer = async (path: string, method = 'POST') => {
      const res = await request(`${url(0)}${path}`, { method, body: method === 'POST' ? '{}' : undefined });
      return { status: res.statusCode, type: res.headers['content-type'], text: await res.body.text(), cors: res.headers['access-control-allow-origin'] };
    };
    const plain = 'text/plain; charset=utf-8';
    expect(await answer('/v3/kv/nosuch')).to.deep.equal({ status: 404, type: plain, text: 'Not Found\n', cors: '*' });
    expect(await answer('/nosuch')).to.deep.equal({ status: 404, type: plain, text: '404 page not found\n', cors: '*' });
    expect(await answer('/v3/kv/range', 'GET')).to.deep.equal({ status: 405, type: plain, text: 'Method Not Allowed\n', cors: '*' });
    expect((await answer('/v3/kv/range', 'OPTIONS')).status).to.equal(200);
  });

  it('leases: keys go with a revoked lease, in one revision; keep-alive and time-to-live work on any member', async () => {
    const grant = await gw(url(1), '/v3/lease/grant', { TTL: '60' });
    const id = grant.body.ID as string;
    expect(grant.body.TTL).to.equal('60');
    await gw(url(0), '/v3/kv/put', { key: b64('leased/1'), value: b64('x'), lease: id });
    await gw(url(0), '/v3/kv/put', { key: b64('leased/2'), value: b64('y'), lease: id });
    for (const i of [0, 1, 2]) {
      const ka = await gw(url(i), '/v3/lease/keepalive', { ID: id });
      expect(ka.body.result.TTL).to.equal('60');
      const ttl = await gw(url(i), '/v3/lease/timetolive', { ID: id, keys: true });
      expect(ttl.body.grantedTTL).to.equal('60');
      expect(ttl.body.keys.map(unb64)).to.deep.equal(['leased/1', 'leased/2']);
    }
    const before = Number((await gw(url(0), '/v3/kv/range', { key: b64('x') })).body.header.revision);
    await gw(url(2), '/v3/lease/revoke', { ID: id });
    const after = await gw(url(0), '/v3/kv/range', { key: b64('leased/'), range_end: b64('leased0') });
    expect(after.body.kvs ?? []).to.deep.equal([]);
    expect(Number(after.body.header.revision)).to.equal(before + 1);
    const gone = await gw(url(1), '/v3/lease/timetolive', { ID: id });
    expect(gone.body.TTL).to.equal('-1');
  });

  it('an expired lease takes its keys with it', async () => {
    const grant = await gw(url(0), '/v3/lease/grant', { TTL: '1' });
    await gw(url(0), '/v3/kv/put', { key: b64('ephemeral'), value: b64('x'), lease: grant.body.ID });
    // The minimum TTL is 1.5 election timeouts, rounded up: 1 s here.
    const until = Date.now() + 10_000;
    for (;;) {
      const { body } = await gw(url(2), '/v3/kv/range', { key: b64('ephemeral') });
      if (!body.kvs) break;
      if (Date.now() > until) throw new Error('the leased key outlived its lease');
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  it('defragments on request and keeps every key', async () => {
    const before = await gw(url(1), '/v3/kv/range', { key: b64('\0'), range_end: b64('\0'), count_only: true });
    const res = await gw(url(1), '/v3/maintenance/defragment');
    // etcd 3.4's DefragmentResponse carries no header.
    expect([res.status, res.body]).to.deep.equal([200, {}]);
    const after = await gw(url(1), '/v3/kv/range', { key: b64('\0'), range_end: b64('\0'), count_only: true, serializable: true });
    expect(after.body.count).to.equal(before.body.count);
  });

  it('streams a snapshot: a consistent copy of the data, checked by its SHA-256', async () => {
    for (let i = 0; i < 50; i++) await gw(url(0), '/v3/kv/put', { key: b64(`snap/${i}`), value: b64('v'.repeat(2000)) });
    // A linearizable read: member 1 has applied every put before it copies its state.
    await gw(url(1), '/v3/kv/range', { key: b64('snap/0'), keys_only: true });
    const res = await request(`${url(1)}/v3/maintenance/snapshot`, { method: 'POST', body: '{}' });
    const lines = (await res.body.text()).trim().split('\n').map((l) => JSON.parse(l).result);
    expect(lines.length).to.be.greaterThan(1);
    const blobs = lines.map((l) => Buffer.from(l.blob, 'base64'));
    const file = new Uint8Array(Buffer.concat(blobs));
    // remaining_bytes counts down to zero (left out on the last piece).
    expect(Number(lines[0].remaining_bytes)).to.equal(file.byteLength - blobs[0].byteLength);
    expect(lines[lines.length - 1].remaining_bytes).to.equal(undefined);
    const snap = decodeSnapshotFile(file);
    const { body } = await gw(url(1), '/v3/kv/range', { key: b64('snap/'), range_end: b64('snap0'), count_only: true, serializable: true });
    expect(snap.revision).to.be.at.least(Number(body.header.revision) - 1);
    const state = unpack(snap.data) as { kv: Uint8Array };
    const copy = new MvccStore();
    copy.restoreFrom({ put() {}, del() {} }, new Uint8Array(state.kv));
    expect(copy.range({ key: utf8('snap/'), rangeEnd: utf8('snap0'), countOnly: true }).count).to.equal(50);
    file[10] ^= 0xff;
    expect(() => decodeSnapshotFile(file)).to.throw(/sha256/);
  });

  it('serves /health, /version, /metrics with etcd names, and member list', async () => {
    const list = await gw(url(0), '/v3/cluster/member/list');
    expect(list.body.members.map((m: { name: string }) => m.name).sort()).to.deep.equal(['m0', 'm1', 'm2']);
    const metrics = await (await fetch(`${url(1)}/metrics`)).text();
    for (const name of ['etcd_server_has_leader 1', 'etcd_server_is_leader', 'etcd_server_proposals_committed_total', 'etcd_disk_wal_fsync_duration_seconds_bucket', 'etcd_debugging_mvcc_keys_total', 'etcd_mvcc_db_total_size_in_bytes']) {
      expect(metrics).to.contain(name);
    }
    const version = (await (await fetch(`${url(2)}/version`)).json()) as { etcdserver: string };
    expect(version.etcdserver).to.match(/^3\.4\./);
  });

  // Last: it compacts. etcd's gateway has no HashKV route (its /v3/maintenance/hash is Hash), so
  // the answers below are what the real etcdctl shows over gRPC from etcd 3.4.23 (`endpoint hashkv -w json`).
  it('hashkv: compact_revision is -1 until a compaction; the header has the current revision, not the hashed one', async () => {
    const hashkv = async (revision?: number) => {
      const r = await gw(url(1), '/v3/maintenance/hashkv', revision === undefined ? {} : { revision: String(revision) });
      return { status: r.status, revision: Number(r.body.header?.revision), compact: r.body.compact_revision, hash: r.body.hash, message: r.body.message };
    };
    await gw(url(0), '/v3/kv/put', { key: b64('hashkv/a'), value: b64('1') });
    const current = Number((await gw(url(1), '/v3/kv/range', { key: b64('hashkv/a') })).body.header.revision);
    const now = await hashkv();
    expect([now.status, now.revision, now.compact]).to.deep.equal([200, current, '-1']);
    const earlier = await hashkv(current - 1);
    expect([earlier.status, earlier.revision, earlier.compact]).to.deep.equal([200, current, '-1']);
    expect(earlier.hash).to.not.equal(now.hash);

    await gw(url(0), '/v3/kv/compaction', { revision: String(current - 1) });
    // hashkv is answered from member 1's own state: a linearizable read first waits for it to apply the compaction.
    await gw(url(1), '/v3/kv/range', { key: b64('hashkv/a') });
    const compacted = await hashkv();
    expect([compacted.status, compacted.revision, compacted.compact]).to.deep.equal([200, current, String(current - 1)]);
    // etcd's HashByRev refuses the compacted revision itself, though a range at it is served.
    expect(await hashkv(current - 1)).to.include({ status: 400, message: 'etcdserver: mvcc: required revision has been compacted' });
  });
});
