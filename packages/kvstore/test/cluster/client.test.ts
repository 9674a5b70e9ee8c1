import { expect } from 'chai';
import { EtcdClientError, KvClient, type WatchEvent } from '../../src/client/index.js';
import { clusterWithClient } from './client-fixture.js';
import type { ProcessCluster } from './process-cluster.js';

const text = (b: Uint8Array) => Buffer.from(b).toString();

describe('kvstore client', function () {
  this.timeout(60_000);
  const fixture = clusterWithClient();
  let cluster: ProcessCluster;
  let client: KvClient;
  beforeEach(() => ({ cluster, client } = fixture));

  it('puts, gets by prefix, deletes, and reports etcd errors without retrying them', async () => {
    await client.put('app/a', '1');
    await client.put('app/b', '2');
    await client.put('apq', 'outside');
    const got = await client.get('app/', { prefix: true });
    expect(got.kvs.map((kv) => text(kv.key))).to.deep.equal(['app/a', 'app/b']);
    expect(got.count).to.equal(2);
    const { prevKv } = await client.put('app/a', '1b', { prevKv: true });
    expect(text(prevKv!.value)).to.equal('1');
    expect((await client.delete('app/', { prefix: true })).deleted).to.equal(2);
    let error: unknown;
    await client.get('x', { revision: 10_000 }).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(EtcdClientError);
    expect((error as EtcdClientError).message).to.equal('etcdserver: mvcc: required revision is a future revision');
    expect((error as EtcdClientError).code).to.equal(11);
  });

  it('fails over to another endpoint when the member it used dies', async () => {
    await client.put('failover', 'before');
    const victim = cluster.members[0];
    await cluster.kill(victim);
    try {
      await client.put('failover', 'after');
      expect(text((await client.get('failover')).kvs[0].value)).to.equal('after');
    } finally {
      cluster.restart(victim);
      await cluster.waitHealthy();
    }
  });

  it('a watch resumes on another member without gaps or duplicates', async () => {
    const seen: WatchEvent[] = [];
    const start = (await client.put('w/0', 'x')).header.revision;
    // This client tries member 1 first, so that is where the watch stream lives.
    const victim = cluster.members[1];
    const watcher = new KvClient({ endpoints: [victim, cluster.members[0], cluster.members[2]].map((m) => m.clientUrl) });
    const watch = watcher.watch('w/', { prefix: true, startRevision: start }, (events) => seen.push(...events));
    for (let i = 1; i <= 5; i++) await client.put(`w/${i}`, 'x');
    while (seen.length < 6) await new Promise((r) => setTimeout(r, 20));
    await cluster.kill(victim);
    for (let i = 6; i <= 10; i++) await client.put(`w/${i}`, 'x');
    const until = Date.now() + 15_000;
    while (seen.length < 11 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    watch.cancel();
    await watch.done;
    await watcher.close();
    cluster.restart(victim);
    await cluster.waitHealthy();
    expect(seen.map((e) => text(e.kv.key))).to.deep.equal(Array.from({ length: 11 }, (_, i) => `w/${i}`));
    const revs = seen.map((e) => e.kv.modRevision);
    expect(revs).to.deep.equal([...revs].sort((a, b) => a - b));
  });

  it('leases: grant, keep-alive, time-to-live with keys, revoke', async () => {
    const { id, ttl } = await client.leaseGrant(30);
    expect(ttl).to.equal(30);
    await client.put('leased', 'v', { lease: id });
    expect(await client.leaseKeepAliveOnce(id)).to.equal(30);
    const info = await client.leaseTimeToLive(id, true);
    expect(info.grantedTtl).to.equal(30);
    expect(info.keys.map(text)).to.deep.equal(['leased']);
    expect(await client.leases()).to.include(id);
    await client.leaseRevoke(id);
    expect((await client.get('leased')).kvs).to.deep.equal([]);
    expect(await client.leaseKeepAliveOnce(id)).to.equal(0);
  });
});
