import { expect } from 'chai';
import { ProcessCluster, b64, freePort, gw, unb64 } from './process-cluster.js';

describe('kvstore cluster: member update', function () {
  this.timeout(60_000);
  let cluster: ProcessCluster | undefined;
  after(async () => {
    await cluster?.stop();
  });

  it('moves a member to new peer URLs; after a restart there it keeps its ID and its data', async () => {
    const c = (cluster = await ProcessCluster.start(3));
    const url = c.members[0].clientUrl;
    const target = c.members[2];
    const before = await gw(url, '/v3/cluster/member/list');
    const entry = before.body.members.find((m: { name: string }) => m.name === target.name);
    const newPeerUrl = `http://127.0.0.1:${await freePort()}`;

    const bad = await gw(url, '/v3/cluster/member/update', { ID: entry.ID, peerURLs: [c.members[1].peerUrl] });
    expect(bad.body).to.include({ code: 9, message: 'etcdserver: Peer URLs already exists' });
    const missing = await gw(url, '/v3/cluster/member/update', { ID: '1234', peerURLs: [newPeerUrl] });
    expect(missing.body).to.include({ code: 5, message: 'etcdserver: member not found' });

    const updated = await gw(url, '/v3/cluster/member/update', { ID: entry.ID, peerURLs: [newPeerUrl] });
    expect(updated.status, JSON.stringify(updated.body)).to.equal(200);
    expect(updated.body.members.find((m: { ID: string }) => m.ID === entry.ID).peerURLs).to.deep.equal([newPeerUrl]);

    await c.kill(target);
    (target as { peerUrl: string }).peerUrl = newPeerUrl;
    c.restart(target);
    await c.waitHealthy();
    await gw(url, '/v3/kv/put', { key: b64('moved'), value: b64('yes') });
    // A linearizable read on the moved member needs the leader to reach it at its new URL.
    const read = await gw(target.clientUrl, '/v3/kv/range', { key: b64('moved') });
    expect(unb64(read.body.kvs[0].value)).to.equal('yes');
    const after = await gw(target.clientUrl, '/v3/cluster/member/list');
    expect(after.body.header.member_id).to.equal(entry.ID);
    expect(after.body.members.map((m: { ID: string }) => m.ID).sort()).to.deep.equal(before.body.members.map((m: { ID: string }) => m.ID).sort());
  });
});

describe('kvstore cluster: members with several peer URLs', function () {
  this.timeout(60_000);
  let cluster: ProcessCluster | undefined;
  after(async () => {
    await cluster?.stop();
  });

  it('a founding member keeps every peer URL, sorted as etcd sorts them, and is reached at the lowest', async () => {
    // 127.0.0.1 sorts before 127.0.0.9: peers send to the URL m0 listens on; nothing is at the other.
    const c = (cluster = await ProcessCluster.start(3, [], { extraPeerUrls: { m0: ['http://127.0.0.9:1'] } }));
    const list = await gw(c.members[1].clientUrl, '/v3/cluster/member/list');
    const m0 = list.body.members.find((m: { name: string }) => m.name === 'm0');
    expect(m0.peerURLs).to.deep.equal([c.members[0].peerUrl, 'http://127.0.0.9:1'].sort());
    // A write acknowledged by m0 is a quorum round through its peers.
    const put = await gw(c.members[0].clientUrl, '/v3/kv/put', { key: b64('several'), value: b64('urls') });
    expect(put.status, JSON.stringify(put.body)).to.equal(200);
    const read = await gw(c.members[2].clientUrl, '/v3/kv/range', { key: b64('several') });
    expect(unb64(read.body.kvs[0].value)).to.equal('urls');
  });
});
