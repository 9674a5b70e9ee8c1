import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { createLogger } from '../../src/apiserver/log.js';
import { Informer, Resources, RestClient, type CoreEvent } from '../../src/client/index.js';
import { DEFAULT_SETTINGS } from '../../src/controllers/catalog.js';
import { ControllerManager } from '../../src/controllers/controller-manager.js';
import { isPodActive, isPodReady } from '../../src/controllers/framework/pods.js';
import type { DaemonSet, Deployment, Endpoints, Node, Pod, ReplicaSet } from '../../src/controllers/framework/types.js';
import { parseSchedulerFlags } from '../../src/scheduler/driver/scheduler-flags.js';
import { SchedulerServer } from '../../src/scheduler/driver/scheduler-server.js';
import { eventually, TestControlPlane } from '../support/control-plane.js';
import { HeartbeatNodes, type HeartbeatNodeSpec } from '../support/heartbeat-nodes.js';
import { PodRunner } from './support/pod-runner.js';

const NODES: HeartbeatNodeSpec[] = ['node-a', 'node-b', 'node-c'].map((name) => ({ name, cpu: '8', memory: '16Gi' }));
const logLevel = process.env.FLOTILLA_TEST_LOG === '1' ? 'debug' : 'error';

const container = (image: string, ports: { name: string; containerPort: number }[] = []) => ({ name: 'app', image, ports, resources: { requests: { cpu: '100m', memory: '64Mi' } } });

function podTemplate(app: string, image: string, extra: Record<string, unknown> = {}) {
  return { metadata: { labels: { app } }, spec: { containers: [container(image)], terminationGracePeriodSeconds: 30, ...extra } };
}

describe('kube-controller-manager (in process) with a scheduler and heartbeat nodes', function () {
  const ctx = {} as { cp: TestControlPlane; client: RestClient };
  let nodes: HeartbeatNodes;
  let lateNode: HeartbeatNodes | undefined;
  let scheduler: SchedulerServer;
  let runner: PodRunner;
  let manager: ControllerManager;
  const registry = new Registry();
  let pods: Informer<Pod>;

  before(async () => {
    // The apiserver's own namespace finalizer and garbage collector are off: the manager's do the work.
    ctx.cp = await TestControlPlane.start({ runBuiltinControllers: false });
    ctx.client = await RestClient.fromKubeconfig(ctx.cp.adminKubeconfig, { userAgent: 'flotilla-test' });
    nodes = await HeartbeatNodes.start(ctx.client, NODES, { intervalMs: 500 });
    scheduler = await SchedulerServer.start(parseSchedulerFlags(['--kubeconfig', ctx.cp.adminKubeconfig, '--port', '0', '--leader-elect=false', '--pod-initial-backoff-seconds', '1', '--pod-max-backoff-seconds', '2']), createLogger(logLevel, 'kube-scheduler'));
    runner = await PodRunner.start(ctx.client);
    manager = new ControllerManager({
      client: ctx.client,
      logger: createLogger(logLevel, 'kube-controller-manager'),
      registry,
      controllers: ['*'],
      settings: { ...DEFAULT_SETTINGS, nodeMonitorPeriodMs: 500, nodeMonitorGracePeriodMs: 5000 },
      leaderElection: { namespace: 'kube-system', name: 'kube-controller-manager', leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 300 },
    });
    manager.start();
    await eventually(() => (manager.isLeader ? true : undefined), 15_000, 'the controller-manager to lead');
    pods = new Informer<Pod>(ctx.client, Resources.pods);
    pods.start();
    await pods.waitForSync(30_000);
  });

  // Everything that watches the apiserver stops before it does (an apiserver waits for its watches to end).
  after(async () => {
    await pods?.stop();
    await manager?.stop();
    await runner?.stop();
    await scheduler?.stop();
    await lateNode?.stop();
    await nodes?.stop();
    await ctx.client?.close();
    await ctx.cp?.stop();
  });

  const podsOf = (app: string) => pods.store.list().filter((p) => p.metadata.labels?.app === app);
  const runningReady = (app: string) => podsOf(app).filter((p) => isPodActive(p) && isPodReady(p));
  const kubectl = async (...args: string[]) => {
    const run = await ctx.cp.kubectl(args);
    assert.equal(run.code, 0, `kubectl ${args.join(' ')}: ${run.stderr}`);
    return run.stdout;
  };

  it('a ReplicaSet scales up and down and replaces a deleted pod', async () => {
    await ctx.client.create(Resources.replicasets, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'rs', namespace: 'default' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'rs' } }, template: podTemplate('rs', 'busybox:1') },
    });
    await eventually(() => (runningReady('rs').length === 3 ? true : undefined), 30_000, '3 ready pods');
    const owner = podsOf('rs')[0]!.metadata.ownerReferences![0]!;
    assert.deepEqual({ kind: owner.kind, name: owner.name, controller: owner.controller, blockOwnerDeletion: owner.blockOwnerDeletion }, { kind: 'ReplicaSet', name: 'rs', controller: true, blockOwnerDeletion: true });
    await kubectl('scale', 'replicaset/rs', '--replicas=5');
    await eventually(() => (runningReady('rs').length === 5 ? true : undefined), 30_000, '5 ready pods');
    await kubectl('scale', 'replicaset/rs', '--replicas=2');
    await eventually(() => (podsOf('rs').filter(isPodActive).length === 2 ? true : undefined), 30_000, '2 pods left');
    const victim = podsOf('rs').filter(isPodActive)[0]!.metadata.name;
    await ctx.client.delete(Resources.pods, victim, { namespace: 'default', gracePeriodSeconds: 0 });
    await eventually(() => {
      const ready = runningReady('rs');
      return ready.length === 2 && ready.every((p) => p.metadata.name !== victim) ? true : undefined;
    }, 30_000, 'a replacement pod');
    const rs = await eventually(async () => {
      const r = await ctx.client.get<ReplicaSet>(Resources.replicasets, 'rs', { namespace: 'default' });
      return r.status?.readyReplicas === 2 && r.status.replicas === 2 ? r : undefined;
    }, 15_000, 'the ReplicaSet status');
    assert.equal(rs.status!.observedGeneration, rs.metadata.generation);
  });

  it('a Deployment rolls from image A to B within maxSurge and maxUnavailable, then rollout undo goes back', async () => {
    await ctx.client.create(Resources.deployments, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 4,
        selector: { matchLabels: { app: 'web' } },
        template: podTemplate('web', 'nginx:1'),
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
      },
    });
    await kubectl('rollout', 'status', 'deployment/web', '--timeout=60s');
    const violations: string[] = [];
    let rolling = true;
    const watchBounds = () => {
      if (!rolling) return;
      const active = podsOf('web').filter(isPodActive);
      const ready = active.filter(isPodReady);
      if (active.length > 5) violations.push(`${active.length} pods (max 4 + 1)`);
      if (ready.length < 3) violations.push(`${ready.length} ready pods (min 4 - 1)`);
    };
    pods.addEventHandler({ onAdd: watchBounds, onUpdate: watchBounds, onDelete: watchBounds });
    await kubectl('set', 'image', 'deployment/web', 'app=nginx:2');
    await kubectl('rollout', 'status', 'deployment/web', '--timeout=90s');
    await eventually(() => (runningReady('web').length === 4 && podsOf('web').filter(isPodActive).length === 4 ? true : undefined), 30_000, 'old pods gone');
    rolling = false;
    assert.deepEqual(violations, []);
    assert.deepEqual(new Set(podsOf('web').filter(isPodActive).map((p) => p.spec.containers[0]!.image)), new Set(['nginx:2']));
    const sets = (await ctx.client.list<ReplicaSet>(Resources.replicasets, { namespace: 'default', labelSelector: 'app=web' })).items;
    const byImage = (image: string) => sets.find((rs) => rs.spec.template.spec.containers[0]!.image === image)!;
    assert.equal(byImage('nginx:2').spec.replicas, 4);
    assert.equal(byImage('nginx:1').spec.replicas, 0);
    const d = await ctx.client.get<Deployment>(Resources.deployments, 'web', { namespace: 'default' });
    const progressing = d.status!.conditions!.find((c) => c.type === 'Progressing')!;
    assert.equal(progressing.reason, 'NewReplicaSetAvailable');
    assert.equal(d.status!.updatedReplicas, 4);

    await kubectl('rollout', 'undo', 'deployment/web');
    await kubectl('rollout', 'status', 'deployment/web', '--timeout=90s');
    await eventually(() => {
      const active = podsOf('web').filter(isPodActive);
      return active.length === 4 && active.every((p) => p.spec.containers[0]!.image === 'nginx:1' && isPodReady(p)) ? true : undefined;
    }, 30_000, 'the pods of image A back');
    const history = await kubectl('rollout', 'history', 'deployment/web');
    assert.match(history, /\b2\b/);
    assert.match(history, /\b3\b/);
  });

  it('a DaemonSet runs one pod per node and covers a node added later', async () => {
    await ctx.client.create(Resources.daemonsets, {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: podTemplate('agent', 'agent:1') },
    });
    const nodesOf = () => runningReady('agent').map((p) => p.spec.nodeName).sort();
    await eventually(() => (nodesOf().join() === 'node-a,node-b,node-c' ? true : undefined), 30_000, 'a daemon pod on each node');
    lateNode = await HeartbeatNodes.start(ctx.client, [{ name: 'node-d', cpu: '8', memory: '16Gi' }], { intervalMs: 500 });
    await eventually(() => (nodesOf().join() === 'node-a,node-b,node-c,node-d' ? true : undefined), 30_000, 'a daemon pod on the new node');
    const ds = await eventually(async () => {
      const d = await ctx.client.get<DaemonSet>(Resources.daemonsets, 'agent', { namespace: 'default' });
      return d.status?.numberReady === 4 ? d : undefined;
    }, 15_000, 'the DaemonSet status');
    assert.deepEqual([ds.status!.desiredNumberScheduled, ds.status!.currentNumberScheduled, ds.status!.numberMisscheduled, ds.status!.updatedNumberScheduled], [4, 4, 0, 4]);
  });

  it('deleting an owner deletes its dependents (the garbage collector)', async () => {
    await ctx.client.create(Resources.replicasets, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'owned', namespace: 'default' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'owned' } }, template: podTemplate('owned', 'owned:1') },
    });
    await eventually(() => (runningReady('owned').length === 2 ? true : undefined), 30_000, 'the owned pods');
    await ctx.client.delete(Resources.replicasets, 'owned', { namespace: 'default', propagationPolicy: 'Background' });
    await eventually(() => (podsOf('owned').length === 0 ? true : undefined), 30_000, "the ReplicaSet's pods collected");
  });

  it('Endpoints follow pod readiness', async () => {
    await ctx.client.create(Resources.services, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'shop', namespace: 'default' },
      spec: { selector: { app: 'shop' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
    await ctx.client.create(Resources.replicasets, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'shop', namespace: 'default' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'shop' } }, template: { metadata: { labels: { app: 'shop' } }, spec: { containers: [container('shop:1', [{ name: 'http', containerPort: 8080 }])] } } },
    });
    const endpoints = () => ctx.client.get<Endpoints>(Resources.endpoints, 'shop', { namespace: 'default' }).catch(() => undefined);
    const ready = await eventually(async () => {
      const ep = await endpoints();
      return ep?.subsets?.[0]?.addresses?.length === 2 ? ep : undefined;
    }, 30_000, 'two ready addresses');
    assert.deepEqual(ready.subsets![0]!.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const [first] = runningReady('shop');
    runner.hold(first!.metadata.name);
    await ctx.client.patch(Resources.pods, first!.metadata.name, { status: { conditions: [{ type: 'Ready', status: 'False' }] } }, 'merge', { namespace: 'default', subresource: 'status' });
    const split = await eventually(async () => {
      const ep = await endpoints();
      return ep?.subsets?.[0]?.notReadyAddresses?.length === 1 ? ep : undefined;
    }, 15_000, 'the pod in notReadyAddresses');
    assert.equal(split.subsets![0]!.notReadyAddresses![0]!.targetRef!.name, first!.metadata.name);
    assert.equal(split.subsets![0]!.addresses!.length, 1);
    assert.equal(split.subsets![0]!.notReadyAddresses![0]!.ip, first!.status!.podIP);
  });

  it('a node whose heartbeat stops goes Unknown, is tainted, and its pods are evicted and replaced elsewhere', async () => {
    const tolerations = ['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready'].map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 }));
    await ctx.client.create(Resources.replicasets, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'evictme', namespace: 'default' },
      spec: { replicas: 4, selector: { matchLabels: { app: 'evictme' } }, template: podTemplate('evictme', 'busybox:1', { tolerations }) },
    });
    await eventually(() => (runningReady('evictme').length === 4 ? true : undefined), 30_000, '4 ready pods');
    const victim = runningReady('evictme')[0]!.spec.nodeName!;
    const doomed = new Set(runningReady('evictme').filter((p) => p.spec.nodeName === victim).map((p) => p.metadata.name));
    (nodes.isBeating(victim) ? nodes : lateNode!).stopHeartbeat(victim);
    runner.killNode(victim);
    const node = await eventually(async () => {
      const n = await ctx.client.get<Node>(Resources.nodes, victim);
      return n.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute') ? n : undefined;
    }, 30_000, 'the unreachable taint');
    const readyCondition = node.status!.conditions!.find((c) => c.type === 'Ready')!;
    assert.deepEqual([readyCondition.status, readyCondition.reason, readyCondition.message], ['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.']);
    assert.ok(node.spec!.taints!.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoSchedule'));
    await eventually(() => {
      const active = runningReady('evictme');
      return active.length === 4 && active.every((p) => p.spec.nodeName !== victim && !doomed.has(p.metadata.name)) ? true : undefined;
    }, 45_000, 'the pods replaced on other nodes');
    for (const name of doomed) {
      const p = pods.store.getByName('default', name);
      assert.ok(!p || p.metadata.deletionTimestamp, `${name} was evicted`);
      assert.ok(!p || !isPodReady(p), `${name} was marked not ready (the node is not)`);
    }
  });

  it('deleting a ReplicaSet deletes its pods; with --cascade=orphan they stay, released', async () => {
    await kubectl('delete', 'replicaset/rs', '--wait=true', '--timeout=30s');
    await eventually(() => (podsOf('rs').filter(isPodActive).length === 0 ? true : undefined), 30_000, 'the ReplicaSet pods collected');
    await eventually(() => (podsOf('shop').filter(isPodActive).length === 2 ? true : undefined), 30_000, 'the shop pods');
    await kubectl('delete', 'replicaset/shop', '--cascade=orphan', '--wait=true', '--timeout=30s');
    const orphans = await eventually(() => {
      const left = podsOf('shop').filter(isPodActive);
      return left.length === 2 && left.every((p) => !p.metadata.ownerReferences?.length) ? left : undefined;
    }, 30_000, 'the shop pods released');
    assert.equal(orphans.length, 2);
  });

  it('deleting a namespace deletes what it holds, then the namespace', async () => {
    await kubectl('create', 'namespace', 'doomed');
    await kubectl('create', 'configmap', 'settings', '-n', 'doomed', '--from-literal=a=b');
    await ctx.client.create(Resources.replicasets, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'inside', namespace: 'doomed' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'inside' } }, template: podTemplate('inside', 'busybox:1') },
    });
    await eventually(() => (runningReady('inside').length === 2 ? true : undefined), 30_000, 'pods in the namespace');
    await kubectl('delete', 'namespace', 'doomed', '--wait=false');
    await eventually(async () => ((await ctx.cp.http('GET', '/api/v1/namespaces/doomed')).status === 404 ? true : undefined), 45_000, 'the namespace gone');
    assert.equal(podsOf('inside').length, 0);
  });

  it('records events as Kubernetes words them', async () => {
    // The scenarios above made ReplicaSets (directly and through the Deployment web) create pods.
    const eventsOf = async (name: string) => (await ctx.client.list<CoreEvent>(Resources.events, { namespace: 'default', fieldSelector: `involvedObject.name=${name}` })).items;
    const all = async () => (await ctx.client.list<CoreEvent>(Resources.events, { namespace: 'default' })).items;
    const created = await eventually(async () => (await all()).find((e) => e.reason === 'SuccessfulCreate' && e.involvedObject.kind === 'ReplicaSet'), 15_000, 'SuccessfulCreate');
    assert.ok(created.message.startsWith(`Created pod: ${created.involvedObject.name}-`), created.message);
    assert.equal(created.source.component, 'replicaset-controller');
    const scaled = await eventually(async () => (await eventsOf('web')).find((e) => e.reason === 'ScalingReplicaSet'), 15_000, 'ScalingReplicaSet');
    assert.match(scaled.message, /^Scaled (up|down) replica set web-\S+ to \d+ from \d+$/);
  });

  it('exports work-queue and leader-election metrics', async () => {
    const text = await registry.metrics();
    assert.match(text, /^workqueue_adds_total\{name="replicaset"\} [1-9]/m);
    assert.match(text, /^workqueue_depth\{name="deployment"\} \d+/m);
    assert.match(text, /^leader_election_master_status\{name="kube-controller-manager"\} 1$/m);
  });
});
