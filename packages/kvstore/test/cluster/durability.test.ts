import { expect } from 'chai';
import { request } from 'undici';
import { ProcessCluster, b64, freePort, gw, unb64 } from './process-cluster.js';

describe('kvstore cluster: faults', function () {
  this.timeout(120_000);
  let cluster: ProcessCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('kill -9 of the leader under writes loses no acknowledged write, and every member agrees on hashKV', async () => {
    const c = (cluster = await ProcessCluster.start(3));
    const acked = new Map<string, string>();
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const target = c.members[(w + i) % 3];
        if (!target.process) continue;
        const key = `w${w}-${i}`;
        try {
          const res = await gw(target.clientUrl, '/v3/kv/put', { key: b64(key), value: b64(`v${i}`) });
          if (res.status === 200) acked.set(key, `v${i}`);
        } catch {
          // the member was killed mid-request: not acknowledged
        }
      }
    };
    // Phases end on progress, not on time: a busy machine acknowledges fewer writes per second.
    const ackedAtLeast = async (n: number) => {
      while (acked.size < n) await new Promise((r) => setTimeout(r, 20));
    };
    const writers = [0, 1, 2, 3].map(writer);
    await ackedAtLeast(30);
    const leader = await c.leader();
    await c.kill(leader);
    // Writes go on through the new leader while the old one is down...
    await ackedAtLeast(acked.size + 30);
    c.restart(leader);
    await c.waitHealthy();
    // ...and after it is back.
    await ackedAtLeast(acked.size + 30);
    stop = true;
    await Promise.all(writers);

    // Every acknowledged write is on every member.
    for (const m of c.members) {
      const { body } = await gw(m.clientUrl, '/v3/kv/range', { key: b64('w'), range_end: b64('x') });
      const stored = new Map<string, string>((body.kvs ?? []).map((kv: { key: string; value: string }) => [unb64(kv.key), unb64(kv.value)]));
      const lost = [...acked].filter(([k, v]) => stored.get(k) !== v);
      expect(lost, `lost on ${m.name}`).to.deep.equal([]);
    }
    const rev = (await gw(c.members[0].clientUrl, '/v3/kv/range', { key: b64('w') })).body.header.revision;
    const hashes = await Promise.all(c.members.map(async (m) => (await gw(m.clientUrl, '/v3/maintenance/hashkv', { revision: rev })).body.hash));
    expect(new Set(hashes).size, `hashKV at ${rev}: ${hashes}`).to.equal(1);
  });

  it('kill -9 of every member at once loses nothing acknowledged', async () => {
    const c = (cluster = await ProcessCluster.start(3));
    for (let i = 0; i < 30; i++) {
      const res = await gw(c.members[i % 3].clientUrl, '/v3/kv/put', { key: b64(`all/${i}`), value: b64(String(i)) });
      expect(res.status).to.equal(200);
    }
    await Promise.all(c.members.map((m) => c.kill(m)));
    for (const m of c.members) c.restart(m);
    await c.waitHealthy();
    const { body } = await gw(c.members[1].clientUrl, '/v3/kv/range', { key: b64('all/'), range_end: b64('all0') });
    expect(body.count).to.equal('30');
  });

  it('a watch from an old revision replays history in order, then streams new events', async () => {
    const c = (cluster = await ProcessCluster.start(3));
    const first = await gw(c.members[0].clientUrl, '/v3/kv/put', { key: b64('watched/a'), value: b64('1') });
    await gw(c.members[0].clientUrl, '/v3/kv/put', { key: b64('watched/b'), value: b64('2') });
    await gw(c.members[0].clientUrl, '/v3/kv/put', { key: b64('other'), value: b64('x') });
    const res = await request(`${c.members[2].clientUrl}/v3/watch`, {
      method: 'POST',
      body: JSON.stringify({ create_request: { key: b64('watched/'), range_end: b64('watched0'), start_revision: first.body.header.revision, prev_kv: true } }),
    });
    const lines: Record<string, any>[] = [];
    const events: Record<string, any>[] = [];
    let buffer = '';
    const done = new Promise<void>((resolve) => {
      res.body.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const result = JSON.parse(buffer.slice(0, nl)).result;
          lines.push(result);
          events.push(...(result.events ?? []));
          buffer = buffer.slice(nl + 1);
          if (events.length === 3) resolve();
        }
      });
    });
    await new Promise((r) => setTimeout(r, 100));
    await gw(c.members[1].clientUrl, '/v3/kv/deleterange', { key: b64('watched/a') });
    await done;
    res.body.destroy();
    expect(lines[0].created).to.equal(true);
    const base = Number(first.body.header.revision);
    expect(events.map((e) => [e.type ?? 'PUT', unb64(e.kv.key), e.kv.mod_revision])).to.deep.equal([
      ['PUT', 'watched/a', String(base)],
      ['PUT', 'watched/b', String(base + 1)],
      ['DELETE', 'watched/a', String(base + 3)],
    ]);
    // History is replayed in one response, stamped with the revision the replay reached.
    expect(lines[1].events).to.have.length(2);
    expect(unb64(events[2].prev_kv.value)).to.equal('1');
  });

  it('periodic auto-compaction compacts history older than the retention window', async () => {
    const c = (cluster = await ProcessCluster.start(3, ['--auto-compaction-mode=periodic', '--auto-compaction-retention=1s']));
    const first = await gw(c.members[0].clientUrl, '/v3/kv/put', { key: b64('ac'), value: b64('1') });
    const until = Date.now() + 15_000;
    for (;;) {
      await gw(c.members[0].clientUrl, '/v3/kv/put', { key: b64('ac'), value: b64('more') });
      const old = await gw(c.members[1].clientUrl, '/v3/kv/range', { key: b64('ac'), revision: first.body.header.revision });
      if (old.status === 400) {
        expect(old.body.message).to.equal('etcdserver: mvcc: required revision has been compacted');
        break;
      }
      if (Date.now() > until) throw new Error('history was never compacted');
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  it('over quota: NOSPACE is raised, writes refused, reads and deletes served, until disarmed', async () => {
    const c = (cluster = await ProcessCluster.start(3, ['--quota-backend-bytes=40000']));
    const url = c.members[0].clientUrl;
    let refused: Record<string, any> | undefined;
    for (let i = 0; i < 100 && !refused; i++) {
      const res = await gw(url, '/v3/kv/put', { key: b64(`fill/${i}`), value: Buffer.alloc(2000, 1).toString('base64') });
      if (res.status !== 200) refused = res;
    }
    expect(refused?.status).to.equal(429);
    expect(refused?.body.message).to.equal('etcdserver: mvcc: database space exceeded');
    const until = Date.now() + 5_000;
    let alarms: Record<string, any>[] = [];
    while (alarms.length === 0 && Date.now() < until) {
      alarms = (await gw(c.members[2].clientUrl, '/v3/maintenance/alarm', { action: 'GET' })).body.alarms ?? [];
    }
    expect(alarms.map((a) => a.alarm)).to.deep.equal(['NOSPACE']);
    expect((await gw(c.members[1].clientUrl, '/v3/kv/range', { key: b64('fill/0') })).status).to.equal(200);
    const del = await gw(c.members[1].clientUrl, '/v3/kv/deleterange', { key: b64('fill/'), range_end: b64('fill0') });
    expect(del.status).to.equal(200);
    expect((await gw(url, '/v3/kv/put', { key: b64('small'), value: b64('x') })).status, 'still refused while the alarm stands').to.equal(429);
    await gw(url, '/v3/kv/compaction', { revision: del.body.header.revision });
    await gw(url, '/v3/maintenance/alarm', { action: 'DEACTIVATE', memberID: alarms[0].memberID, alarm: 'NOSPACE' });
    expect((await gw(url, '/v3/kv/put', { key: b64('small'), value: b64('x') })).status).to.equal(200);
  });

  it('a new member joins a running cluster as a learner, catches up, and is promoted', async () => {
    const c = (cluster = await ProcessCluster.start(3));
    const url = c.members[0].clientUrl;
    for (let i = 0; i < 20; i++) await gw(url, '/v3/kv/put', { key: b64(`before/${i}`), value: b64(String(i)) });
    const peerUrl = `http://127.0.0.1:${await freePort()}`;
    const added = await gw(url, '/v3/cluster/member/add', { peerURLs: [peerUrl], isLearner: true });
    expect(added.status).to.equal(200);
    expect(added.body.member.isLearner).to.equal(true);
    const joiner = await c.join('m3', peerUrl);
    const until = Date.now() + 20_000;
    for (;;) {
      try {
        const { body } = await gw(joiner.clientUrl, '/v3/kv/range', { key: b64('before/'), range_end: b64('before0'), serializable: true });
        if (body.count === '20') break;
      } catch {
        // still starting
      }
      if (Date.now() > until) throw new Error(`the learner did not catch up:\n${joiner.log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const promoted = await gw(url, '/v3/cluster/member/promote', { ID: added.body.member.ID });
    expect(promoted.status, JSON.stringify(promoted.body)).to.equal(200);
    // The promotion is applied on the leader first; the new member follows within a heartbeat or
    // two. Its name shows once it has published it through Raft, as etcd's members do.
    const settled = (members: { isLearner?: boolean; name?: string }[]) => members.every((m) => !m.isLearner && m.name);
    let list = await gw(joiner.clientUrl, '/v3/cluster/member/list');
    for (const deadline = Date.now() + 15_000; !settled(list.body.members) && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 50));
      list = await gw(joiner.clientUrl, '/v3/cluster/member/list');
    }
    expect(list.body.members).to.have.length(4);
    expect(list.body.members.every((m: { isLearner?: boolean }) => !m.isLearner)).to.equal(true);
    expect(list.body.members.map((m: { name: string }) => m.name).sort()).to.deep.equal(['m0', 'm1', 'm2', 'm3']);
    // The joiner learned the cluster's ID from the founders, though its flags name four members.
    expect(list.body.header.cluster_id).to.equal(added.body.header.cluster_id);
  });
});
