import { expect } from 'chai';
import { Etcd3, EtcdLockFailedError, type IKeyValue, type Lock, type Watcher } from 'etcd3';
import { ProcessCluster } from '../cluster/process-cluster.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds or `ms` pass; returns whether it held. */
async function eventually(check: () => Promise<boolean>, ms = 10_000): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await sleep(50)) if (await check()) return true;
  return check();
}

interface Seen {
  readonly type: 'put' | 'delete';
  readonly key: string;
  readonly value: string;
  readonly prev?: string;
}

/** Collects a watcher's events as plain strings. */
function record(w: Watcher): Seen[] {
  const seen: Seen[] = [];
  const push = (type: Seen['type']) => (kv: IKeyValue, prev?: IKeyValue) => seen.push({ type, key: kv.key.toString(), value: kv.value.toString(), ...(prev ? { prev: prev.value.toString() } : {}) });
  w.on('put', push('put'));
  w.on('delete', push('delete'));
  return seen;
}

/**
 * etcd3, the Node.js etcd client most projects use, speaks only gRPC: each call here goes
 * over HTTP/2 to one of the three members' client URLs (the client picks among them).
 */
describe('gRPC: the etcd3 npm client against our three-member cluster', function () {
  this.timeout(60_000);
  let cluster: ProcessCluster;
  let client: Etcd3;

  before(async () => {
    cluster = await ProcessCluster.start(3);
    client = new Etcd3({ hosts: cluster.members.map((m) => m.clientUrl) });
  });
  after(async () => {
    client?.close();
    await cluster?.stop();
  });

  describe('kv', () => {
    it('put, then get and getAll().prefix() read back what was written', async () => {
      await client.put('kv/a').value('1');
      await client.put('kv/b').value('2');
      await client.put('kv/c').value('3');
      await client.put('kw/outside').value('x');
      expect(await client.get('kv/a').string()).to.equal('1');
      expect(await client.get('kv/missing').string()).to.equal(null);
      expect(await client.getAll().prefix('kv/').strings()).to.deep.equal({ 'kv/a': '1', 'kv/b': '2', 'kv/c': '3' });
      expect(await client.getAll().prefix('kv/').count()).to.equal(3);
      expect(await client.getAll().prefix('kv/').sort('Key', 'Descend').limit(2).keys()).to.deep.equal(['kv/c', 'kv/b']);
    });

    it('delete removes one key, or every key under a prefix, and says how many', async () => {
      await client.put('del/a').value('1');
      await client.put('del/b').value('2');
      await client.put('del/c').value('3');
      expect((await client.delete().key('del/a')).deleted).to.equal('1');
      expect(await client.get('del/a').string()).to.equal(null);
      const all = await client.delete().prefix('del/').getPrevious();
      expect(all.map((kv) => `${kv.key.toString()}=${kv.value.toString()}`)).to.deep.equal(['del/b=2', 'del/c=3']);
      expect(await client.getAll().prefix('del/').count()).to.equal(0);
    });

    it('txn runs then when its compare holds and else when it does not', async () => {
      await client.put('txn/k').value('v1');
      const hit = await client.if('txn/k', 'Value', '==', 'v1').then(client.put('txn/k').value('v2'), client.put('txn/then').value('yes')).else(client.put('txn/else').value('yes')).commit();
      expect(hit.succeeded).to.equal(true);
      expect(await client.getAll().prefix('txn/').strings()).to.deep.equal({ 'txn/k': 'v2', 'txn/then': 'yes' });

      const miss = await client.if('txn/k', 'Value', '==', 'v1').then(client.put('txn/k').value('never')).else(client.get('txn/k')).commit();
      expect(miss.succeeded).to.equal(false);
      expect(miss.responses[0].response_range.kvs.map((kv) => kv.value.toString())).to.deep.equal(['v2']);
      expect(await client.get('txn/k').string()).to.equal('v2');
    });
  });

  describe('watch', () => {
    it('a watcher on a key and one on a prefix see puts and deletes in order, with the previous value', async () => {
      const onKey = await client.watch().key('w/k').withPreviousKV().create();
      const onPrefix = await client.watch().prefix('w/').withPreviousKV().create();
      try {
        const keyEvents = record(onKey);
        const prefixEvents = record(onPrefix);
        await client.put('w/k').value('one');
        await client.put('w/k').value('two');
        await client.put('w/other').value('x');
        await client.delete().key('w/k');
        await client.put('elsewhere').value('not watched');
        expect(await eventually(async () => prefixEvents.length >= 4 && keyEvents.length >= 3)).to.equal(true);
        await sleep(200);
        expect(keyEvents).to.deep.equal([
          { type: 'put', key: 'w/k', value: 'one' },
          { type: 'put', key: 'w/k', value: 'two', prev: 'one' },
          { type: 'delete', key: 'w/k', value: '', prev: 'two' },
        ]);
        expect(prefixEvents).to.deep.equal([
          { type: 'put', key: 'w/k', value: 'one' },
          { type: 'put', key: 'w/k', value: 'two', prev: 'one' },
          { type: 'put', key: 'w/other', value: 'x' },
          { type: 'delete', key: 'w/k', value: '', prev: 'two' },
        ]);
      } finally {
        await onKey.cancel();
        await onPrefix.cancel();
      }
    });

    it('a cancelled watcher sees no more events', async () => {
      const w = await client.watch().key('wc/k').create();
      const events = record(w);
      await client.put('wc/k').value('1');
      expect(await eventually(async () => events.length === 1)).to.equal(true);
      await w.cancel();
      await client.put('wc/k').value('2');
      await sleep(300);
      expect(events.map((e) => e.value)).to.deep.equal(['1']);
    });
  });

  describe('lease', () => {
    it('grants a lease with keys on it, keeps it alive past its TTL, and revoke takes the keys', async () => {
      const lease = client.lease(2);
      try {
        let kept = 0;
        lease.on('keepaliveSucceeded', () => kept++);
        await lease.put('lease/a').value('1');
        await lease.put('lease/b').value('2');
        const id = await lease.grant();
        const ttl = await client.leaseClient.leaseTimeToLive({ ID: id, keys: true });
        expect(ttl.grantedTTL).to.equal('2');
        expect(ttl.keys.map((k) => k.toString()).sort()).to.deep.equal(['lease/a', 'lease/b']);
        expect((await client.get('lease/a').exec()).kvs[0].lease).to.equal(id);

        await sleep(3500);
        expect(kept).to.be.greaterThan(1);
        expect(await client.getAll().prefix('lease/').count()).to.equal(2);
        const once = await lease.keepaliveOnce();
        expect(once.TTL).to.equal('2');

        await lease.revoke();
        expect(await client.getAll().prefix('lease/').count()).to.equal(0);
        expect((await client.leaseClient.leaseTimeToLive({ ID: id })).TTL).to.equal('-1');
      } finally {
        lease.release();
      }
    });

    it('keys go when keep-alives stop and the lease expires', async () => {
      const lease = client.lease(1, { autoKeepAlive: false });
      await lease.put('expire/k').value('v');
      expect(await client.get('expire/k').string()).to.equal('v');
      const lost = new Promise<Error>((resolve) => lease.once('lost', resolve));
      expect(await eventually(async () => (await client.get('expire/k').string()) === null, 10_000)).to.equal(true);
      // Keeping alive an expired lease answers TTL 0, which the client reports as the lease lost.
      await lease.keepaliveOnce().catch(() => undefined);
      expect((await lost).constructor.name).to.equal('EtcdLeaseInvalidError');
    });
  });

  describe('concurrency', () => {
    it('lock: a second contender is refused while the first holds it, and gets it once released', async () => {
      const first = await client.lock('locks/one').ttl(10).acquire();
      let second: Lock | undefined;
      try {
        const holder = await client.get('locks/one').exec();
        expect(holder.kvs[0].lease).to.equal(await first.leaseId());
        const refused = await client.lock('locks/one').acquire().then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(refused).to.be.instanceOf(EtcdLockFailedError);
        await first.release();
        second = await client.lock('locks/one').ttl(10).acquire();
        expect((await client.get('locks/one').exec()).kvs[0].lease).to.equal(await second.leaseId());
      } finally {
        await second?.release();
      }
      expect(await client.get('locks/one').string()).to.equal(null);
    });

    it('lock: of two racing contenders exactly one wins; work under do() never overlaps', async () => {
      const race = await Promise.allSettled([client.lock('locks/race').ttl(10).acquire(), client.lock('locks/race').ttl(10).acquire()]);
      expect(race.filter((r) => r.status === 'fulfilled')).to.have.length(1);
      expect(race.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)).to.satisfy((errs: unknown[]) => errs.every((e) => e instanceof EtcdLockFailedError));
      for (const r of race) if (r.status === 'fulfilled') await r.value.release();

      let inside = 0;
      let overlapped = false;
      const work = async () => {
        for (;;) {
          try {
            return await client.lock('locks/do').ttl(10).do(async () => {
              inside++;
              overlapped ||= inside > 1;
              await sleep(100);
              inside--;
            });
          } catch (err) {
            if (!(err instanceof EtcdLockFailedError)) throw err;
            await sleep(20);
          }
        }
      };
      await Promise.all([work(), work(), work()]);
      expect(overlapped).to.equal(false);
    });

    it('election: the first campaign wins, observers see the leader, and resigning hands over', async () => {
      const election = client.election('elect-test', 10);
      const alice = election.campaign('alice');
      await alice.wait();
      expect(await election.leader()).to.equal('alice');
      const observer = await election.observe();
      try {
        expect(observer.leader()).to.equal('alice');
        const bob = election.campaign('bob');
        let bobElected = false;
        bob.on('elected', () => (bobElected = true));
        await sleep(500);
        expect(bobElected).to.equal(false);
        expect(await election.leader()).to.equal('alice');

        const changed = new Promise<string | undefined>((resolve) => observer.on('change', resolve));
        await alice.resign();
        await bob.wait();
        expect(await changed).to.equal('bob');
        expect(await election.leader()).to.equal('bob');
        await bob.resign();
        expect(await election.leader()).to.equal(undefined);
      } finally {
        await observer.cancel();
      }
    });
  });
});
