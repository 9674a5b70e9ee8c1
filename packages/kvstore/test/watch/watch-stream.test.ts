import { expect } from 'chai';
import { request } from 'undici';
import { ProcessCluster, b64, gw, unb64 } from '../cluster/process-cluster.js';
import { StreamCall, eventsOf } from './stream-client.js';

describe('kvstore: watch and keep-alive streams on the gateway', function () {
  this.timeout(60_000);
  let cluster: ProcessCluster;
  const calls: StreamCall[] = [];
  before(async () => {
    // A short progress interval, and a small request limit so that fragments are cheap to provoke.
    cluster = await ProcessCluster.start(3, ['--experimental-watch-progress-notify-interval=300ms', '--max-request-bytes=300000']);
  });
  afterEach(() => {
    for (const c of calls.splice(0)) c.close();
  });
  after(async () => {
    await cluster?.stop();
  });

  const url = (i: number) => cluster.members[i].clientUrl;
  const open = (i: number, path = '/v3/watch') => {
    const c = new StreamCall(url(i), path);
    calls.push(c);
    return c;
  };
  const put = async (key: string, value: string) => {
    const r = await gw(url(0), '/v3/kv/put', { key: b64(key), value: b64(value) });
    if (r.status !== 200) throw new Error(`put ${key}: ${r.status} ${JSON.stringify(r.body)}`);
    return Number(r.body.header.revision);
  };
  const revision = async () => Number((await gw(url(0), '/v3/kv/range', { key: b64('-') })).body.header.revision);
  const keys = (events: Record<string, any>[]) => events.map((e) => unb64(e.kv.key));

  it('multiplexes watchers on one stream; cancelling one leaves the others', async () => {
    const w = open(1);
    w.send({ create_request: { key: b64('mx/a') } });
    w.send({ create_request: { key: b64('mx/p/'), range_end: b64('mx/p0') } });
    await w.until((r) => r.filter((x) => x.created).length === 2);
    expect(w.results.map((r) => r.watch_id ?? '0')).to.deep.equal(['0', '1']);
    await put('mx/a', '1');
    await put('mx/p/x', '2');
    await w.until((r) => eventsOf(r, 0).length === 1 && eventsOf(r, 1).length === 1);

    w.send({ cancel_request: { watch_id: 0 } });
    await w.until((r) => r.some((x) => x.canceled));
    await put('mx/a', '3');
    await put('mx/p/y', '4');
    await w.until((r) => eventsOf(r, 1).length === 2);
    expect(keys(eventsOf(w.results, 0))).to.deep.equal(['mx/a']);
    expect(keys(eventsOf(w.results, 1))).to.deep.equal(['mx/p/x', 'mx/p/y']);
  });

  it('answers a progress request with watch_id -1 at the current revision', async () => {
    const w = open(2);
    w.send({ create_request: { key: b64('pr/a') } });
    await w.until((r) => r.length === 1);
    const rev = await put('pr/other', 'x');
    // The member may apply the write a moment after the leader acknowledged it.
    await new Promise((r) => setTimeout(r, 200));
    w.send({ progress_request: {} });
    const results = await w.until((r) => r.some((x) => x.watch_id === '-1'));
    const progress = results.find((x) => x.watch_id === '-1')!;
    expect(Number(progress.header.revision)).to.be.at.least(rev);
    expect(progress.events).to.equal(undefined);
  });

  it('takes client-chosen watch IDs and refuses a duplicate or an empty range', async () => {
    const w = open(0);
    w.send({ create_request: { key: b64('id/a'), watch_id: 7 } });
    w.send({ create_request: { key: b64('id/b'), watch_id: 7 } });
    w.send({ create_request: { key: b64('id/z'), range_end: b64('id/a') } });
    const r = await w.until((x) => x.length === 3);
    expect(r[0]).to.include({ watch_id: '7', created: true });
    expect(r[1]).to.include({ watch_id: '-1', created: true, canceled: true, cancel_reason: 'mvcc: duplicate watch ID provided on the WatchStream' });
    expect(r[2]).to.include({ watch_id: '-1', canceled: true, cancel_reason: 'mvcc: watcher range is empty' });
  });

  it('a watch on a future revision sees nothing before it', async () => {
    const start = (await revision()) + 3;
    const w = open(1);
    w.send({ create_request: { key: b64('fut/'), range_end: b64('fut0'), start_revision: start } });
    for (let i = 0; i < 5; i++) await put(`fut/${i}`, 'v');
    const events = eventsOf(await w.until((r) => eventsOf(r).length === 3));
    expect(events.map((e) => Number(e.kv.mod_revision))).to.deep.equal([start, start + 1, start + 2]);
  });

  it('a watch below the compacted revision is cancelled with compact_revision; at it, it runs', async () => {
    const first = await put('cw/a', '1');
    await put('cw/a', '2');
    const compacted = await put('cw/b', '3');
    expect((await gw(url(0), '/v3/kv/compaction', { revision: compacted })).status).to.equal(200);
    const w = open(2);
    w.send({ create_request: { key: b64('cw/'), range_end: b64('cw0'), start_revision: first } });
    w.send({ create_request: { key: b64('cw/'), range_end: b64('cw0'), start_revision: compacted } });
    const r = await w.until((x) => x.some((y) => y.canceled) && eventsOf(x, 1).length === 1);
    const cancel = r.find((y) => y.canceled)!;
    expect(cancel.compact_revision).to.equal(String(compacted));
    expect(cancel.watch_id ?? '0').to.equal('0');
    expect(keys(eventsOf(r, 1))).to.deep.equal(['cw/b']);
  });

  it('sends progress notifications to watchers that ask for them', async () => {
    const w = open(0);
    w.send({ create_request: { key: b64('pn/a'), progress_notify: true } });
    const r = await w.until((x) => x.filter((y) => !y.created && !y.events).length >= 2, 5000);
    expect(r.filter((y) => !y.created && !y.events).every((y) => Number(y.header.revision) > 0)).to.equal(true);
  });

  it('splits a large response into fragments when the watcher allows it', async () => {
    const start = (await revision()) + 1;
    const big = 'x'.repeat(100_000);
    for (let i = 0; i < 10; i++) await put(`frag/${i}`, big);
    // A linearizable read: member 1 has applied every put, so they all come as one replay.
    await gw(url(1), '/v3/kv/range', { key: b64('frag/0'), keys_only: true });
    const w = open(1);
    w.send({ create_request: { key: b64('frag/'), range_end: b64('frag0'), start_revision: start, fragment: true } });
    const r = await w.until((x) => eventsOf(x).length === 10);
    const parts = r.filter((x) => x.events);
    expect(parts.length).to.be.greaterThan(1);
    expect(parts.slice(0, -1).every((p) => p.fragment === true)).to.equal(true);
    expect(parts[parts.length - 1].fragment).to.equal(undefined);
  });

  it('a reader that stops reading falls behind without blocking writes, then catches up without gaps', async () => {
    const w = open(2);
    w.send({ create_request: { key: b64('slow/'), range_end: b64('slow0') } });
    await w.until((r) => r.length === 1);
    w.pause();
    const value = 'v'.repeat(64 * 1024);
    const total = 200;
    for (let i = 0; i < total; i += 20) await Promise.all(Array.from({ length: 20 }, (_, j) => put(`slow/${String(i + j).padStart(3, '0')}`, value)));
    const metrics = await (await request(`${url(2)}/metrics`)).body.text();
    expect(metrics).to.match(/^etcd_debugging_mvcc_slow_watcher_total [1-9]/m);
    w.resume();
    const events = eventsOf(await w.until((r) => eventsOf(r).length >= total, 20_000));
    const revs = events.map((e) => Number(e.kv.mod_revision));
    expect(revs).to.deep.equal([...revs].sort((a, b) => a - b));
    expect(new Set(keys(events)).size).to.equal(total);
  });

  it('keeps leases alive over one stream through a follower, answering each request in order', async () => {
    const grant = await gw(url(0), '/v3/lease/grant', { TTL: '30' });
    const leader = await cluster.leader();
    const follower = cluster.members.findIndex((m) => m !== leader);
    const k = open(follower, '/v3/lease/keepalive');
    for (let i = 0; i < 3; i++) k.send({ ID: grant.body.ID });
    k.send({ ID: '12345' });
    k.finish();
    const r = await k.until(() => k.done);
    expect(r.map((x) => [x.ID, x.TTL])).to.deep.equal([...Array(3).fill([grant.body.ID, '30']), ['12345', undefined]]);
  });

  it('fails the call on an undecodable first request (500, Unknown); after a bad later one the watches go on', async () => {
    const bad = await gw(url(0), '/v3/watch', { create_request: { key: '!!' } });
    expect(bad.status).to.equal(500);
    expect(bad.body).to.deep.include({ code: 2, message: 'illegal base64 data at input byte 0' });
    const w = open(0);
    w.send({ create_request: { key: b64('bad/a') } });
    await w.until((r) => r.length === 1);
    w.send({ create_request: { filters: ['NOSUCH'] } });
    w.send({ create_request: { key: b64('bad/ignored') } });
    await put('bad/ignored', 'x');
    const rev = await put('bad/a', 'still watched');
    const r = await w.until((results) => results.some((x) => x.events));
    expect(r.filter((x) => x.created)).to.have.length(1);
    expect(eventsOf(r).map((e) => unb64(e.kv.value))).to.deep.equal(['still watched']);
    expect(Number(eventsOf(r)[0].kv.mod_revision)).to.equal(rev);
    expect(r.some((x) => x.error)).to.equal(false);
  });

});
