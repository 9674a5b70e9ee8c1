import { expect } from 'chai';
import { backoffDuration } from '../../src/scheduler/queue/backoff.js';
import { podKey, SchedulingQueue, type PoppedPod } from '../../src/scheduler/queue/scheduling-queue.js';
import { makePod } from './fixtures.js';

function popName(queue: SchedulingQueue, now: number): string | undefined {
  return queue.pop(now)?.queued.pod.metadata.name;
}

function mustPop(queue: SchedulingQueue, now: number): PoppedPod {
  const popped = queue.pop(now);
  if (popped === undefined) throw new Error('expected a pod');
  return popped;
}

describe('scheduler queue backoff', () => {
  it('starts at 1 s and doubles up to 10 s', () => {
    expect([1, 2, 3, 4, 5, 6, 20].map((n) => backoffDuration(n))).to.deep.equal([1000, 2000, 4000, 8000, 10000, 10000, 10000]);
  });
});

describe('scheduler queue', () => {
  it('hands out pods oldest first and counts attempts', () => {
    const queue = new SchedulingQueue();
    queue.add(makePod('b'), 20);
    queue.add(makePod('a'), 10);
    queue.add(makePod('c'), 20);
    const first = mustPop(queue, 30);
    expect(first.queued.pod.metadata.name).to.equal('a');
    expect(first.queued.attempts).to.equal(1);
    expect(first.cycle).to.equal(1);
    expect([popName(queue, 30), popName(queue, 30), popName(queue, 30)]).to.deep.equal(['b', 'c', undefined]);
  });

  it('keeps a pod that did not fit until an event, then backs it off 1 s, 2 s, 4 s ...', () => {
    const queue = new SchedulingQueue();
    queue.add(makePod('p'), 0);
    let popped = mustPop(queue, 0);
    queue.addUnschedulable(popped, 100);
    expect(queue.lengths).to.deep.equal({ active: 0, backoff: 0, unschedulable: 1 });
    expect(queue.pop(50_000)).to.equal(undefined);

    queue.moveAllToActiveOrBackoff(500);
    expect(queue.lengths.backoff).to.equal(1);
    expect(queue.nextWakeup()).to.equal(1100);
    expect(queue.pop(1099)).to.equal(undefined);
    popped = mustPop(queue, 1100);
    expect(popped.queued.attempts).to.equal(2);

    queue.addUnschedulable(popped, 2000);
    queue.moveAllToActiveOrBackoff(2000);
    expect(queue.pop(3999)).to.equal(undefined);
    expect(popName(queue, 4000)).to.equal('p');
  });

  it('moves a pod straight to activeQ when its backoff is already over at the event', () => {
    const queue = new SchedulingQueue();
    queue.add(makePod('p'), 0);
    queue.addUnschedulable(mustPop(queue, 0), 0);
    queue.moveAllToActiveOrBackoff(60_000);
    expect(queue.lengths).to.deep.equal({ active: 1, backoff: 0, unschedulable: 0 });
  });

  it('backs off (not parks) a pod when an event came while it was being tried', () => {
    const queue = new SchedulingQueue();
    queue.add(makePod('p'), 0);
    const popped = mustPop(queue, 0);
    queue.moveAllToActiveOrBackoff(10);
    queue.addUnschedulable(popped, 20);
    expect(queue.lengths).to.deep.equal({ active: 0, backoff: 1, unschedulable: 0 });
    expect(popName(queue, 1020)).to.equal('p');
  });

  it('moves only the pods an event may help', () => {
    const queue = new SchedulingQueue();
    queue.add(makePod('gpu', { nodeSelector: { gpu: 'yes' } }), 0);
    queue.add(makePod('plain'), 0);
    queue.addUnschedulable(mustPop(queue, 0), 0);
    queue.addUnschedulable(mustPop(queue, 0), 0);
    queue.moveAllToActiveOrBackoff(5000, (pod) => pod.spec.nodeSelector === undefined);
    expect(popName(queue, 5000)).to.equal('plain');
    expect(queue.lengths.unschedulable).to.equal(1);
  });

  it('retries a pod parked longer than 5 minutes without an event', () => {
    const queue = new SchedulingQueue();
    queue.add(makePod('p'), 0);
    queue.addUnschedulable(mustPop(queue, 0), 0);
    expect(queue.nextWakeup()).to.equal(300_001);
    queue.flushUnschedulableLeftover(300_000);
    expect(queue.lengths.unschedulable).to.equal(1);
    queue.flushUnschedulableLeftover(300_001);
    expect(popName(queue, 300_001)).to.equal('p');
  });

  it('takes an update of a parked pod as a reason to retry it, after its backoff', () => {
    const queue = new SchedulingQueue();
    queue.add(makePod('p'), 0);
    queue.addUnschedulable(mustPop(queue, 0), 0);
    queue.update(makePod('p', { nodeSelector: { zone: 'a' } }), 500);
    expect(queue.lengths.backoff).to.equal(1);
    const popped = mustPop(queue, 1000);
    expect(popped.queued.pod.spec.nodeSelector).to.deep.equal({ zone: 'a' });
  });

  it('keeps one entry a pod, replacing the object on a repeated add', () => {
    const queue = new SchedulingQueue();
    queue.add(makePod('p'), 0);
    queue.add(makePod('p', { schedulerName: 'x' }), 5);
    expect(queue.lengths.active).to.equal(1);
    expect(mustPop(queue, 5).queued.pod.spec.schedulerName).to.equal('x');
  });

  it('keeps the newer version when a pod is re-added while it is being tried', () => {
    const queue = new SchedulingQueue();
    queue.add(makePod('p'), 0);
    const popped = mustPop(queue, 0);
    queue.add(makePod('p', { nodeSelector: { zone: 'b' } }), 10);
    queue.addUnschedulable(popped, 20);
    expect(queue.lengths).to.deep.equal({ active: 1, backoff: 0, unschedulable: 0 });
    expect(mustPop(queue, 20).queued.pod.spec.nodeSelector).to.deep.equal({ zone: 'b' });
  });

  it('forgets a deleted pod in any queue', () => {
    const queue = new SchedulingQueue();
    queue.add(makePod('a'), 0);
    queue.add(makePod('b'), 0);
    queue.addUnschedulable(mustPop(queue, 0), 0);
    queue.delete(podKey(makePod('a')));
    queue.delete(podKey(makePod('b')));
    expect(queue.lengths).to.deep.equal({ active: 0, backoff: 0, unschedulable: 0 });
    expect(queue.nextWakeup()).to.equal(undefined);
  });
});
