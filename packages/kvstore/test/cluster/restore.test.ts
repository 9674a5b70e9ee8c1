import { expect } from 'chai';
import { request } from 'undici';
import { MemberRestoreError, restoreMemberDataDir, type RestoredMember } from '../../src/index.js';
import { ProcessCluster, b64, gw, unb64 } from './process-cluster.js';

/** The snapshot file as `etcdctl snapshot save` assembles it from the stream. */
async function snapshotOf(url: string): Promise<Uint8Array> {
  const res = await request(`${url}/v3/maintenance/snapshot`, { method: 'POST', body: '{}' });
  const lines = (await res.body.text()).trim().split('\n').map((l) => JSON.parse(l).result as { blob: string });
  return new Uint8Array(Buffer.concat(lines.map((l) => Buffer.from(l.blob, 'base64'))));
}

const decimal = (hex: string) => BigInt(`0x${hex}`).toString();

describe('kvstore: restoring a snapshot into a new cluster', function () {
  this.timeout(90_000);
  let source: ProcessCluster | undefined;
  let restored: ProcessCluster | undefined;
  after(async () => {
    await source?.stop();
    await restored?.stop();
  });

  it('starts a new three-member cluster with the keys at their revisions and the leases, under new member and cluster IDs', async () => {
    source = await ProcessCluster.start(3);
    const src = source.members[0].clientUrl;
    await gw(src, '/v3/kv/put', { key: b64('r/a'), value: b64('1') });
    await gw(src, '/v3/kv/put', { key: b64('r/a'), value: b64('2') });
    const lease = (await gw(src, '/v3/lease/grant', { TTL: '600' })).body.ID as string;
    await gw(src, '/v3/kv/put', { key: b64('r/b'), value: b64('leased'), lease });
    await gw(src, '/v3/kv/put', { key: b64('r/c'), value: b64('gone') });
    await gw(src, '/v3/kv/deleterange', { key: b64('r/c') });
    const before = (await gw(source.members[1].clientUrl, '/v3/kv/range', { key: b64('r/'), range_end: b64('r0') })).body;
    const sourceStatus = (await gw(src, '/v3/maintenance/status')).body;
    const file = await snapshotOf(source.members[1].clientUrl);
    await source.stop();
    source = undefined;

    const outcomes: RestoredMember[] = [];
    restored = await ProcessCluster.start(3, [], {
      beforeLaunch: async (c) => {
        for (const m of c.members) {
          outcomes.push(await restoreMemberDataDir(file, c.dataDir(m), { name: m.name, initialCluster: c.initialCluster, initialClusterToken: 'etcd-cluster' }));
        }
        // A directory that already holds a member is not overwritten.
        const again = await restoreMemberDataDir(file, c.dataDir(c.members[0]), { name: 'm0', initialCluster: c.initialCluster, initialClusterToken: 'etcd-cluster' }).catch((e: Error) => e);
        expect(again).to.be.instanceOf(MemberRestoreError);
      },
    });
    const url = (i: number) => restored!.members[i].clientUrl;

    const after = (await gw(url(2), '/v3/kv/range', { key: b64('r/'), range_end: b64('r0') })).body;
    expect(after.kvs).to.deep.equal(before.kvs);
    expect(after.header.revision).to.equal(before.header.revision);
    expect(after.kvs.map((kv: { key: string; value: string }) => `${unb64(kv.key)}=${unb64(kv.value)}`)).to.deep.equal(['r/a=2', 'r/b=leased']);

    const ttl = (await gw(url(1), '/v3/lease/timetolive', { ID: lease, keys: true })).body;
    expect([ttl.grantedTTL, ttl.keys.map(unb64)]).to.deep.equal(['600', ['r/b']]);
    expect(Number(ttl.TTL)).to.be.within(590, 600);

    // New identities, the same for every member, and none of the old cluster's members.
    const status = (await gw(url(0), '/v3/maintenance/status')).body;
    expect(status.header.cluster_id).to.equal(decimal(outcomes[0].clusterId)).and.not.equal(sourceStatus.header.cluster_id);
    expect(new Set(outcomes.map((o) => o.clusterId)).size).to.equal(1);
    const list = (await gw(url(1), '/v3/cluster/member/list')).body.members as { ID: string; name: string; peerURLs: string[] }[];
    expect(list.map((m) => [m.name, m.ID, m.peerURLs]).sort()).to.deep.equal(
      restored.members.map((m, i) => [m.name, decimal(outcomes[i].memberId), [m.peerUrl]]).sort(),
    );

    // Writes go on from the snapshot's revision.
    const put = (await gw(url(0), '/v3/kv/put', { key: b64('r/d'), value: b64('new') })).body;
    expect(Number(put.header.revision)).to.equal(Number(before.header.revision) + 1);
    await gw(url(0), '/v3/lease/revoke', { ID: lease });
    expect((await gw(url(2), '/v3/kv/range', { key: b64('r/b') })).body.kvs).to.equal(undefined);
  });
});
