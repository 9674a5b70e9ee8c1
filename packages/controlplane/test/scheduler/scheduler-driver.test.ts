import assert from 'node:assert/strict';
import { request } from 'undici';
import { createLogger } from '../../src/apiserver/log.js';
import { Resources, type CoreEvent } from '../../src/client/index.js';
import { parseSchedulerFlags } from '../../src/scheduler/driver/scheduler-flags.js';
import { SchedulerServer } from '../../src/scheduler/driver/scheduler-server.js';
import { defaultPlugins, newNodeInfo, schedule, seededPicker, withPod, type Node, type NodeInfo, type Pod } from '../../src/scheduler/index.js';
import { withControlPlane } from '../client/with-control-plane.js';
import { eventually } from '../support/control-plane.js';
import { HeartbeatNodes, nodeObject, type HeartbeatNodeSpec } from '../support/heartbeat-nodes.js';
import { nodeNameOf, podObject } from './pod-objects.js';

const NODES: HeartbeatNodeSpec[] = [
  { name: 'node-small', cpu: '2', memory: '4Gi' },
  { name: 'node-medium', cpu: '4', memory: '8Gi' },
  { name: 'node-large', cpu: '8', memory: '16Gi' },
];
const SEED = 7;

describe('kube-scheduler driver (in process) with heartbeat nodes', function () {
  const ctx = withControlPlane();
  let nodes: HeartbeatNodes;
  let scheduler: SchedulerServer;

  before(async () => {
    nodes = await HeartbeatNodes.start(ctx.client, NODES, { intervalMs: 2000 });
    const flags = parseSchedulerFlags(['--kubeconfig', ctx.cp.adminKubeconfig, '--port', '0', '--seed', String(SEED), '--leader-elect-retry-period', '200ms']);
    scheduler = await SchedulerServer.start(flags, createLogger(process.env.FLOTILLA_TEST_LOG === '1' ? 'debug' : 'error', 'kube-scheduler'));
    await eventually(() => (scheduler.isLeader ? true : undefined), 10_000, 'the scheduler to lead');
  });
  after(async () => {
    await scheduler?.stop();
    await nodes?.stop();
  });

  const pod = async (name: string, namespace = 'default') => ctx.client.get(Resources.pods, name, { namespace });
  const boundTo = async (name: string) => eventually(async () => nodeNameOf(await pod(name)) || undefined, 20_000, `${name} to be bound`);
  const eventsFor = async (name: string) => (await ctx.client.list<CoreEvent>(Resources.events, { namespace: 'default', fieldSelector: `involvedObject.name=${name}` })).items;

  it('spreads 10 pods over 3 nodes of different sizes as the scores decide', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `spread-${i}`);
    for (const name of names) await ctx.client.create(Resources.pods, podObject(name));
    const placed = await Promise.all(names.map(boundTo));
    const counts = countBy(placed);

    // The same decisions, made by the pure core on the same nodes, one pod after the other.
    let infos: NodeInfo[] = NODES.map((n, i) => newNodeInfo(nodeObject(n, i) as unknown as Node));
    const pick = seededPicker(SEED);
    const expected: string[] = [];
    for (const name of names) {
      const p = podObject(name) as unknown as Pod;
      const result = schedule(p, infos, defaultPlugins(), pick);
      assert.equal(result.kind, 'scheduled');
      const node = (result as { node: string }).node;
      expected.push(node);
      infos = infos.map((i) => (i.node.metadata.name === node ? withPod(i, p) : i));
    }
    assert.deepEqual(counts, countBy(expected));
    assert.ok(counts['node-large']! > counts['node-small']!, `the largest node takes the most: ${JSON.stringify(counts)}`);
    const scheduled = await eventually(async () => {
      const events = await eventsFor('spread-0');
      return events.find((e) => e.reason === 'Scheduled');
    }, 10_000, 'the Scheduled event');
    assert.equal(scheduled.message, `Successfully assigned default/spread-0 to ${placed[0]}`);
    assert.equal(scheduled.source.component, 'default-scheduler');
  });

  it('reports a pod that fits nowhere with FailedScheduling and the PodScheduled=False condition', async () => {
    await ctx.client.create(Resources.pods, podObject('too-big', { cpu: '12' }));
    const failed = await eventually(async () => (await eventsFor('too-big')).find((e) => e.reason === 'FailedScheduling'), 20_000, 'the FailedScheduling event');
    assert.equal(failed.type, 'Warning');
    assert.ok(failed.message.startsWith('0/3 nodes are available: 3 Insufficient cpu.'), failed.message);
    const condition = await eventually(async () => {
      const p = await pod('too-big');
      return ((p.status as { conditions?: { type: string; status: string; reason?: string }[] }).conditions ?? []).find((c) => c.type === 'PodScheduled');
    }, 10_000, 'the PodScheduled condition');
    assert.deepEqual({ status: condition.status, reason: condition.reason }, { status: 'False', reason: 'Unschedulable' });
    assert.equal(nodeNameOf(await pod('too-big')), '');
  });

  it('gives a cordoned node nothing', async () => {
    await ctx.client.patch(Resources.nodes, 'node-large', { spec: { unschedulable: true } }, 'merge');
    try {
      // Node and pod events come on separate watches: first see the cordon take effect, with a pod
      // only the large node could hold failing for it.
      await ctx.client.create(Resources.pods, podObject('cordon-probe', { cpu: '5' }));
      const probe = await eventually(async () => (await eventsFor('cordon-probe')).find((e) => e.reason === 'FailedScheduling'), 20_000, 'the probe to fail');
      assert.match(probe.message, /^0\/3 nodes are available: .*1 node\(s\) were unschedulable/);
      await ctx.client.delete(Resources.pods, 'cordon-probe', { namespace: 'default', gracePeriodSeconds: 0 });
      const names = Array.from({ length: 4 }, (_, i) => `cordoned-${i}`);
      for (const name of names) await ctx.client.create(Resources.pods, podObject(name, { cpu: '100m' }));
      const placed = await Promise.all(names.map(boundTo));
      assert.ok(!placed.includes('node-large'), `placed on ${placed.join(', ')}`);
    } finally {
      await ctx.client.patch(Resources.nodes, 'node-large', { spec: { unschedulable: null } }, 'merge');
    }
  });

  it('leaves a pod for another schedulerName alone', async () => {
    await ctx.client.create(Resources.pods, podObject('for-other', { schedulerName: 'other-scheduler', cpu: '10m' }));
    await ctx.client.create(Resources.pods, podObject('sentinel', { cpu: '10m' }));
    // Pods are handled in the order they are seen: once the later pod is bound, the earlier one has been passed over.
    await boundTo('sentinel');
    assert.equal(nodeNameOf(await pod('for-other')), '');
    assert.deepEqual(await eventsFor('for-other'), []);
  });

  it('schedules the pod that fit nowhere once a node large enough is added, and another once a pod is deleted', async () => {
    const more = await HeartbeatNodes.start(ctx.client, [{ name: 'node-xl', cpu: '16', memory: '32Gi' }], { intervalMs: 2000 });
    try {
      assert.equal(await boundTo('too-big'), 'node-xl');
      // The room left everywhere is now under 12 cpu: a second such pod waits, until the first is deleted.
      await ctx.client.create(Resources.pods, podObject('too-big-2', { cpu: '12' }));
      await eventually(async () => (await eventsFor('too-big-2')).find((e) => e.reason === 'FailedScheduling'), 20_000, 'the second pod to fail');
      await ctx.client.delete(Resources.pods, 'too-big', { namespace: 'default', gracePeriodSeconds: 0 });
      assert.equal(await boundTo('too-big-2'), 'node-xl', 'a pod deletion sends waiting pods back to the active queue');
    } finally {
      await more.stop();
    }
  });

  it('serves its metrics and health', async () => {
    const metrics = await (await request(`${scheduler.url}/metrics`)).body.text();
    const scheduled = Number(/scheduler_schedule_attempts_total\{result="scheduled",profile="default-scheduler"\} (\d+)/.exec(metrics)?.[1]);
    assert.ok(scheduled >= 16, `scheduled attempts: ${scheduled}`);
    assert.match(metrics, /scheduler_schedule_attempts_total\{result="unschedulable",profile="default-scheduler"\} [1-9]/);
    assert.match(metrics, /scheduler_pod_scheduling_duration_seconds_count\{attempts="1"\} [1-9]/);
    assert.match(metrics, /scheduler_pending_pods\{queue="active"\} 0/);
    assert.match(metrics, /leader_election_master_status\{name="kube-scheduler"\} 1/);
    const health = await request(`${scheduler.url}/healthz`);
    assert.equal(health.statusCode, 200);
    assert.equal(await health.body.text(), 'ok');
  });
});

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}
