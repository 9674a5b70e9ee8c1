import assert from 'node:assert/strict';
import { ExponentialBackoffRateLimiter, ManualClock, runWorkers, WorkQueue } from '../../src/client/index.js';

describe('work queue', () => {
  it('holds a key once however often it is added', () => {
    const q = new WorkQueue<string>();
    q.add('a');
    q.add('b');
    q.add('a');
    assert.equal(q.length, 2);
    assert.equal(q.tryGet(), 'a');
    assert.equal(q.tryGet(), 'b');
    assert.equal(q.tryGet(), undefined);
  });

  it('processes a key re-added during processing again afterwards, never concurrently', () => {
    const q = new WorkQueue<string>();
    q.add('a');
    const key = q.tryGet();
    assert.equal(key, 'a');
    q.add('a');
    q.add('a');
    assert.equal(q.tryGet(), undefined, 'a is being processed: not handed out twice');
    q.done('a');
    assert.equal(q.tryGet(), 'a', 'a comes back once after done');
    q.done('a');
    assert.equal(q.tryGet(), undefined);
  });

  it('hands a key to a waiting get() at once', async () => {
    const q = new WorkQueue<string>();
    const next = q.get();
    q.add('x');
    assert.equal(await next, 'x');
  });

  it('backs off per key exponentially from 5 ms, capped, and forget starts over', () => {
    const limiter = new ExponentialBackoffRateLimiter<string>(5, 100);
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map(() => limiter.when('a')), [5, 10, 20, 40, 80, 100, 100]);
    assert.equal(limiter.when('b'), 5, 'another key has its own count');
    assert.equal(limiter.numRequeues('a'), 7);
    limiter.forget('a');
    assert.equal(limiter.when('a'), 5);
  });

  it('adds a rate-limited key only when its backoff has passed on the clock', () => {
    const clock = new ManualClock(1000);
    const q = new WorkQueue<string>({ clock });
    q.addRateLimited('a');
    q.addRateLimited('a');
    assert.equal(q.length, 0);
    clock.advance(4);
    assert.equal(q.length, 0, 'not before 5 ms');
    clock.advance(1);
    assert.equal(q.tryGet(), 'a', 'the earliest pending delay wins');
    q.done('a');
    assert.equal(q.numRequeues('a'), 2);
    q.forget('a');
    assert.equal(q.numRequeues('a'), 0);
  });

  it('addAfter keeps the earliest time for a key and adds once', () => {
    const clock = new ManualClock();
    const q = new WorkQueue<string>({ clock });
    q.addAfter('a', 100);
    q.addAfter('a', 50);
    q.addAfter('a', 200);
    assert.equal(q.delayedCount, 1);
    clock.advance(50);
    assert.equal(q.length, 1);
    clock.advance(500);
    assert.equal(q.length, 1, 'no second add from the superseded timers');
    assert.equal(clock.pendingTimers, 0);
  });

  it('shutDown releases waiting workers and drops delayed adds', async () => {
    const clock = new ManualClock();
    const q = new WorkQueue<string>({ clock });
    q.addAfter('later', 10);
    const waiting = q.get();
    q.shutDown();
    assert.equal(await waiting, undefined);
    clock.advance(100);
    assert.equal(q.length, 0);
    q.add('x');
    assert.equal(await q.get(), undefined);
  });

  it('runWorkers retries a failing key rate-limited and forgets it on success', async () => {
    const clock = new ManualClock();
    const q = new WorkQueue<string>({ clock });
    const attempts: string[] = [];
    let failuresLeft = 2;
    const workers = runWorkers(q, 2, async (key) => {
      attempts.push(key);
      if (failuresLeft-- > 0) throw new Error('not yet');
    });
    q.add('k');
    const settle = () => new Promise((r) => setImmediate(r));
    await settle();
    assert.deepEqual(attempts, ['k']);
    clock.advance(5);
    await settle();
    assert.deepEqual(attempts, ['k', 'k']);
    clock.advance(9);
    await settle();
    assert.equal(attempts.length, 2, 'second retry waits 10 ms');
    clock.advance(1);
    await settle();
    assert.equal(attempts.length, 3);
    assert.equal(q.numRequeues('k'), 0, 'success forgets the backoff');
    q.shutDown();
    await workers;
  });
});
