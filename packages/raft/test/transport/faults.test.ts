import { expect } from 'chai';
import { request } from 'undici';
import { FaultConfigError, FaultInjector, NO_FAULTS } from '../../src/transport/index.js';
import { eventually, heartbeat, snap, useFixture } from './fixture.js';

describe('transport: fault injection', () => {
  const fixture = useFixture();

  it('a partition set on one side drops traffic both ways; heal restores it', async () => {
    const { a, b } = await fixture().pair();
    a.t.faults.partition('b');
    a.t.send([heartbeat('a', 'b', 1)]);
    b.t.send([heartbeat('b', 'a', 1)]);
    await eventually(() => a.t.stats.droppedByFault === 2, 'both directions dropped');
    expect(a.inbox).to.have.length(0);
    expect(b.inbox).to.have.length(0);
    a.t.faults.heal();
    a.t.send([heartbeat('a', 'b', 2)]);
    b.t.send([heartbeat('b', 'a', 2)]);
    await eventually(() => a.inbox.length === 1 && b.inbox.length === 1, 'traffic after heal');
  });

  it('blockedOutgoing drops only what we send', async () => {
    const { a, b } = await fixture().pair();
    a.t.faults.set({ blockedOutgoing: ['b'] });
    a.t.send([heartbeat('a', 'b', 1)]);
    b.t.send([heartbeat('b', 'a', 1)]);
    await eventually(() => a.inbox.length === 1, 'b to a still works');
    expect(a.t.stats.droppedByFault).to.equal(1);
    expect(b.inbox).to.have.length(0);
  });

  it('blockedIncoming drops only what we receive', async () => {
    const { a, b } = await fixture().pair();
    a.t.faults.set({ blockedIncoming: ['b'] });
    b.t.send([heartbeat('b', 'a', 1)]);
    a.t.send([heartbeat('a', 'b', 1)]);
    await eventually(() => b.inbox.length === 1 && a.t.stats.droppedByFault === 1, 'a to b works, b to a is dropped');
    expect(a.inbox).to.have.length(0);
  });

  it('drop=1 loses every message, drop=0 none', async () => {
    const { a, b } = await fixture().pair();
    a.t.faults.set({ drop: 1 });
    a.t.send(Array.from({ length: 50 }, (_, i) => heartbeat('a', 'b', i)));
    await eventually(() => a.t.stats.droppedByFault === 50, 'all dropped');
    expect(b.inbox).to.have.length(0);
    a.t.faults.set({ drop: 0 });
    a.t.send(Array.from({ length: 50 }, (_, i) => heartbeat('a', 'b', i)));
    await eventually(() => b.inbox.length === 50, 'all delivered');
  });

  it('delays each batch by delayMs', async () => {
    const { a, b } = await fixture().pair();
    a.t.faults.set({ delayMs: { min: 150, max: 150 } });
    const sent = Date.now();
    a.t.send([heartbeat('a', 'b', 1)]);
    await eventually(() => b.inbox.length === 1, 'the delayed message');
    expect(Date.now() - sent).to.be.at.least(140);
  });

  it('a partitioned snapshot is reported failed, on either side', async () => {
    const { a, b } = await fixture().pair();
    a.t.faults.partition('b');
    a.t.send([snap('a', 'b', new Uint8Array(16))]);
    await eventually(() => a.snapshotStatus.length === 1, 'outgoing snapshot status');
    expect(a.snapshotStatus).to.deep.equal([['b', false]]);
    a.t.faults.heal();
    b.t.faults.partition('a');
    a.t.send([snap('a', 'b', new Uint8Array(16))]);
    await eventually(() => a.snapshotStatus.length === 2, 'incoming snapshot status');
    expect(a.snapshotStatus[1]).to.deep.equal(['b', false]);
    expect(b.inbox).to.have.length(0);
  });

  it('isolate() partitions from every known peer', async () => {
    const f = fixture();
    const a = await f.member('a');
    const b = await f.member('b');
    const c = await f.member('c');
    a.t.addPeer('b', b.t.url);
    a.t.addPeer('c', c.t.url);
    a.t.faults.isolate();
    expect([...a.t.faults.snapshot().partitioned].sort()).to.deep.equal(['b', 'c']);
  });

  it('is switched over HTTP: GET shows, PUT changes, bad input gets 400 and changes nothing', async () => {
    const { a, b } = await fixture().pair();
    const put = async (body: string) => {
      const res = await request(`${b.t.url}/raft/v1/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body });
      return { status: res.statusCode, text: await res.body.text() };
    };
    const get = async () => JSON.parse(await (await request(`${b.t.url}/raft/v1/faults`)).body.text()) as unknown;
    expect(await get()).to.deep.equal(NO_FAULTS);

    const ok = await put('{"drop":0,"delayMs":{"min":0,"max":5},"partitioned":["a"],"blockedOutgoing":[],"blockedIncoming":[]}');
    expect(ok.status).to.equal(200);
    expect(JSON.parse(ok.text)).to.deep.include({ partitioned: ['a'], delayMs: { min: 0, max: 5 } });
    a.t.send([heartbeat('a', 'b', 1)]);
    await eventually(() => b.t.stats.droppedByFault === 1, 'dropped by b');

    const bad = [
      ['not json', /not valid JSON/],
      ['[1]', /faults must be a JSON object/],
      ['{"drop":7}', /drop must be a number in \[0, 1\]/],
      ['{"drop":"0.5"}', /drop must be a number/],
      ['{"delayMs":{"min":10,"max":1}}', /delayMs must be/],
      ['{"partitioned":"a"}', /partitioned must be an array of member IDs/],
      ['{"explode":true}', /unknown fault "explode"/],
      ['{"heal":"yes"}', /heal must be a boolean/],
    ] as const;
    for (const [body, reason] of bad) {
      const res = await put(body);
      expect(res.status, body).to.equal(400);
      expect(res.text, body).to.match(reason);
    }
    expect(await get()).to.deep.include({ partitioned: ['a'] });

    // Fields given replace only themselves.
    await put('{"blockedIncoming":["c"]}');
    expect(await get()).to.deep.include({ partitioned: ['a'], blockedIncoming: ['c'] });

    expect((await put('{"heal":true}')).status).to.equal(200);
    expect(await get()).to.deep.equal(NO_FAULTS);
    a.t.send([heartbeat('a', 'b', 2)]);
    await eventually(() => b.inbox.length === 1, 'delivery after heal');
  });
});

describe('FaultInjector', () => {
  it('draws drops from the random source it is given', () => {
    const draws = [0.05, 0.5, 0.09, 0.95];
    const faults = new FaultInjector(() => draws.shift() ?? 1);
    faults.set({ drop: 0.1 });
    expect(['b', 'b', 'b', 'b'].map((p) => faults.shouldDropOutgoing(p))).to.deep.equal([true, false, true, false]);
  });

  it('delays uniformly within [min, max]', () => {
    const faults = new FaultInjector(() => 0.5);
    expect(faults.delay()).to.equal(0);
    faults.set({ delayMs: { min: 10, max: 30 } });
    expect(faults.delay()).to.equal(20);
  });

  it('validates before changing anything', () => {
    const faults = new FaultInjector();
    faults.partition('b');
    expect(() => faults.set({ drop: -1 })).to.throw(FaultConfigError);
    expect(() => faults.update({ heal: true, drop: 2 })).to.throw(FaultConfigError);
    expect(faults.snapshot().partitioned).to.deep.equal(['b']);
    expect(faults.active).to.equal(true);
  });

  it('heal, alone or with new faults, starts from a healthy network', () => {
    const faults = new FaultInjector();
    faults.set({ partitioned: ['b'], drop: 0.5 });
    faults.update({ heal: true, blockedOutgoing: ['c'] });
    expect(faults.snapshot()).to.deep.equal({ ...NO_FAULTS, blockedOutgoing: ['c'] });
    faults.update({ heal: true });
    expect(faults.active).to.equal(false);
  });

  it('keeps partition and one-way blocks apart', () => {
    const faults = new FaultInjector();
    faults.set({ partitioned: ['p'], blockedOutgoing: ['o'], blockedIncoming: ['i'] });
    expect(['p', 'o', 'i', 'x'].map((id) => faults.shouldDropOutgoing(id))).to.deep.equal([true, true, false, false]);
    expect(['p', 'o', 'i', 'x'].map((id) => faults.shouldDropIncoming(id))).to.deep.equal([true, false, true, false]);
  });
});
