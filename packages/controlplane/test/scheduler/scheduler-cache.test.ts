import assert from 'node:assert/strict';
import { parseSchedulerFlags } from '../../src/scheduler/driver/scheduler-flags.js';
import { SchedulerCache } from '../../src/scheduler/driver/scheduler-cache.js';
import { nodeChangeMayHelp } from '../../src/scheduler/driver/node-change.js';
import { makeNode, makePod } from './fixtures.js';

describe('scheduler cache (assume, confirm, forget)', () => {
  const bound = (name: string, node: string, cpu = '1') => makePod(name, { cpu, nodeName: node });

  it('counts an assumed pod on its node at once, and the informer confirmation does not count it twice', () => {
    const cache = new SchedulerCache(30_000);
    cache.addOrUpdateNode(makeNode('n1', { cpu: '4' }));
    cache.assume(makePod('p', { cpu: '1' }), 'n1', 0);
    assert.equal(cache.nodeInfo('n1')!.requested.milliCPU, 1000);
    assert.ok(cache.isAssumed('default/p'));
    cache.addOrUpdatePod(bound('p', 'n1'));
    assert.equal(cache.nodeInfo('n1')!.requested.milliCPU, 1000);
    assert.equal(cache.nodeInfo('n1')!.pods.length, 1);
    assert.ok(!cache.isAssumed('default/p'));
    assert.deepEqual(cache.expireAssumed(60_000), [], 'a confirmed pod never expires');
  });

  it('forget undoes an assumption after a failed bind; a confirmed pod is left alone', () => {
    const cache = new SchedulerCache();
    cache.addOrUpdateNode(makeNode('n1'));
    cache.assume(makePod('a', { cpu: '1' }), 'n1', 0);
    cache.forget('default/a');
    assert.equal(cache.nodeInfo('n1')!.requested.milliCPU, 0);
    cache.addOrUpdatePod(bound('b', 'n1'));
    cache.forget('default/b');
    assert.equal(cache.nodeInfo('n1')!.pods.length, 1);
  });

  it('drops an assumption the informer never confirms once its TTL passes', () => {
    const cache = new SchedulerCache(1000);
    cache.addOrUpdateNode(makeNode('n1'));
    cache.assume(makePod('lost', { cpu: '2' }), 'n1', 0);
    assert.deepEqual(cache.expireAssumed(999), []);
    assert.deepEqual(cache.expireAssumed(1000), ['default/lost']);
    assert.equal(cache.nodeInfo('n1')!.requested.milliCPU, 0);
  });

  it('keeps pods seen before their node, and counts them once it arrives', () => {
    const cache = new SchedulerCache();
    cache.addOrUpdatePod(bound('early', 'late-node', '3'));
    assert.equal(cache.nodeInfo('late-node'), undefined);
    cache.addOrUpdateNode(makeNode('late-node'));
    assert.equal(cache.nodeInfo('late-node')!.requested.milliCPU, 3000);
    cache.removePod('default/early');
    assert.equal(cache.nodeInfo('late-node')!.requested.milliCPU, 0);
  });

  it('moves a pod that shows up on another node than assumed', () => {
    const cache = new SchedulerCache();
    cache.addOrUpdateNode(makeNode('n1'));
    cache.addOrUpdateNode(makeNode('n2'));
    cache.assume(makePod('p', { cpu: '1' }), 'n1', 0);
    cache.addOrUpdatePod(bound('p', 'n2'));
    assert.equal(cache.nodeInfo('n1')!.pods.length, 0);
    assert.equal(cache.nodeInfo('n2')!.pods.length, 1);
  });
});

describe('which node updates requeue unschedulable pods', () => {
  it('a cordon, a taint, a label or allocatable change may help; a status heartbeat does not', () => {
    const node = makeNode('n', { cpu: '4' });
    assert.equal(nodeChangeMayHelp(node, { ...node }), false);
    assert.equal(nodeChangeMayHelp(node, { ...node, spec: { unschedulable: true } }), true);
    assert.equal(nodeChangeMayHelp(node, { ...node, spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } }), true);
    assert.equal(nodeChangeMayHelp(node, makeNode('n', { cpu: '4', labels: { zone: 'a' } })), true);
    assert.equal(nodeChangeMayHelp(node, makeNode('n', { cpu: '8' })), true);
  });
});

describe('kube-scheduler flags', () => {
  it('has Kubernetes defaults and reads Go durations', () => {
    const flags = parseSchedulerFlags(['--kubeconfig', '/k', '--leader-elect-lease-duration=1m30s', '--leader-elect-retry-period', '500ms'], () => 42);
    assert.deepEqual(
      { le: flags.leaderElect, lease: flags.leaseDurationMs, renew: flags.renewDeadlineMs, retry: flags.retryPeriodMs, ns: flags.leaseNamespace, name: flags.leaseName, sched: flags.schedulerName, seed: flags.seed },
      { le: true, lease: 90_000, renew: 10_000, retry: 500, ns: 'kube-system', name: 'kube-scheduler', sched: 'default-scheduler', seed: 42 },
    );
    assert.equal(parseSchedulerFlags(['--kubeconfig=/k', '--leader-elect=false']).leaderElect, false);
  });

  it('refuses what cannot work, with the flag named', () => {
    assert.throws(() => parseSchedulerFlags([]), /--kubeconfig must be given/);
    assert.throws(() => parseSchedulerFlags(['--kubeconfig=/k', '--leader-elect-lease-duration=5s']), /renew-deadline must be less than/);
    assert.throws(() => parseSchedulerFlags(['--kubeconfig=/k', '--leader-elect-retry-period=2x']), /invalid duration "2x"/);
    assert.throws(() => parseSchedulerFlags(['--kubeconfig=/k', '--no-such']), /unknown flag: --no-such/);
  });
});
