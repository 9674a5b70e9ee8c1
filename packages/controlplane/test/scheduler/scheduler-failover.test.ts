import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/object.js';
import { Informer, Resources, type CoreEvent, type LeaseSpec } from '../../src/client/index.js';
import { withControlPlane } from '../client/with-control-plane.js';
import { eventually } from '../support/control-plane.js';
import { HeartbeatNodes } from '../support/heartbeat-nodes.js';
import { nodeNameOf, podObject } from './pod-objects.js';
import { ComponentProcess } from '../support/component-process.js';

describe('kube-scheduler failover between two processes', function () {
  this.timeout(120_000);
  const ctx = withControlPlane();
  let nodes: HeartbeatNodes;
  const schedulers: ComponentProcess[] = [];
  let pods: Informer;

  after(async () => {
    for (const s of schedulers) await s.stop('SIGKILL');
    await pods?.stop();
    await nodes?.stop();
  });

  it('kill -9 of the active scheduler: the standby takes over and schedules the rest, every pod bound exactly once', async () => {
    nodes = await HeartbeatNodes.start(ctx.client, ['a', 'b', 'c'].map((n) => ({ name: `failover-${n}`, cpu: '8', memory: '16Gi' })));
    // Every node a pod is seen on, from the first list on: more than one would be a second binding.
    const nodesSeen = new Map<string, Set<string>>();
    pods = new Informer(ctx.client, Resources.pods, { namespace: 'default' });
    const note = (p: KubeObject) => {
      if (nodeNameOf(p)) nodesSeen.set(p.metadata.name!, (nodesSeen.get(p.metadata.name!) ?? new Set()).add(nodeNameOf(p)));
    };
    pods.addEventHandler({ onAdd: note, onUpdate: (_, p) => note(p) });
    pods.start();
    await pods.waitForSync();

    // Short, but with room for a loaded 2-core machine: a leader missing its renew deadline would step down.
    const timing = ['--leader-elect-lease-duration=4s', '--leader-elect-renew-deadline=3s', '--leader-elect-retry-period=500ms'];
    for (let i = 0; i < 2; i++) schedulers.push(await ComponentProcess.start('kube-scheduler', 'scheduler/main.js', ['--kubeconfig', ctx.cp.adminKubeconfig, '--port=0', '--log-level=info', ...timing]));
    const leader = await eventually(async () => {
      const leading = [];
      for (const s of schedulers) if (await s.isLeader()) leading.push(s);
      return leading.length === 1 ? leading[0] : undefined;
    }, 20_000, 'exactly one leader');
    const standby = schedulers.find((s) => s !== leader)!;

    const before = Array.from({ length: 15 }, (_, i) => `early-${i}`);
    for (const name of before) await ctx.client.create(Resources.pods, podObject(name, { cpu: '100m' }));
    await eventually(() => (before.filter((n) => nodesSeen.has(n)).length >= 5 ? true : undefined), 20_000, 'the leader to bind some pods');
    assert.equal(await leader.stop('SIGKILL'), null);

    const after = Array.from({ length: 15 }, (_, i) => `late-${i}`);
    for (const name of after) await ctx.client.create(Resources.pods, podObject(name, { cpu: '100m' }));
    await eventually(() => ([...before, ...after].every((n) => nodesSeen.has(n)) ? true : undefined), 30_000, `every pod bound (standby stderr: ${standby.stderr.slice(-2000)})`);
    assert.ok(standby.running && (await standby.isLeader()), `the standby leads now (stderr: ${standby.stderr.slice(-3000)})`);

    for (const [name, seen] of nodesSeen) assert.equal(seen.size, 1, `${name} was on ${[...seen].join(' and ')}`);
    // Events are written in the background after the binding: wait for the new leader's.
    const scheduledCount = await eventually(async () => {
      const events = (await ctx.client.list<CoreEvent>(Resources.events, { namespace: 'default' })).items.filter((e) => e.reason === 'Scheduled');
      const counts = new Map<string, number>();
      for (const e of events) counts.set(e.involvedObject.name!, (counts.get(e.involvedObject.name!) ?? 0) + e.count);
      return after.every((n) => counts.has(n)) ? counts : undefined;
    }, 20_000, 'the Scheduled events of the new leader');
    for (const name of [...before, ...after]) assert.ok((scheduledCount.get(name) ?? 0) <= 1, `${name} has ${scheduledCount.get(name)} Scheduled events`);
    for (const name of after) assert.equal(scheduledCount.get(name), 1, `${name} was scheduled by the new leader`);
    for (const name of [...before, ...after]) assert.equal(nodeNameOf(await ctx.client.get(Resources.pods, name, { namespace: 'default' })), [...nodesSeen.get(name)!][0]);

    const lease = await ctx.client.get<KubeObject & { spec: LeaseSpec }>(Resources.leases, 'kube-scheduler', { namespace: 'kube-system' });
    assert.ok((lease.spec.leaseTransitions ?? 0) >= 1, 'the lease changed hands');
    assert.equal(await standby.stop('SIGTERM'), 0, 'SIGTERM stops kube-scheduler cleanly');
    const released = await ctx.client.get<KubeObject & { spec: LeaseSpec }>(Resources.leases, 'kube-scheduler', { namespace: 'kube-system' });
    assert.equal(released.spec.holderIdentity, '', 'a clean stop releases the lease');
  });
});
