import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Informer, Resources, RestClient } from '../../src/client/index.js';
import { isPodActive, isPodReady } from '../../src/controllers/framework/pods.js';
import type { Node, Pod } from '../../src/controllers/framework/types.js';
import { eventually, TestControlPlane } from '../support/control-plane.js';
import { HeartbeatNodes } from '../support/heartbeat-nodes.js';
import { ComponentProcess } from '../support/component-process.js';
import { PodRunner } from './support/pod-runner.js';

const CONTROLLER_MANAGER = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'controllers', 'main.js');

describe('kube-controller-manager binary', () => {
  it('prints its usage for --help and refuses an unknown controller with exit code 2', async () => {
    const help = await promisify(execFile)(process.execPath, [CONTROLLER_MANAGER, '--help']);
    assert.match(help.stdout, /--node-monitor-grace-period/);
    assert.match(help.stdout, /--leader-elect-resource-name/);
    const refused = await promisify(execFile)(process.execPath, [CONTROLLER_MANAGER, '--kubeconfig', '/nowhere', '--controllers', '*,-nosuch']).then(
      () => assert.fail('an unknown controller must be refused'),
      (err: { code: number; stderr: string }) => err,
    );
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /"nosuch" is not in the list of known controllers/);
  });
});

describe('proof: kube-scheduler and kube-controller-manager processes with heartbeat nodes', function () {
  let cp: TestControlPlane;
  let client: RestClient;
  let nodes: HeartbeatNodes;
  let lateNode: HeartbeatNodes | undefined;
  let runner: PodRunner;
  let scheduler: ComponentProcess;
  let manager: ComponentProcess;
  let pods: Informer<Pod>;

  before(async () => {
    cp = await TestControlPlane.start();
    client = await RestClient.fromKubeconfig(cp.adminKubeconfig, { userAgent: 'flotilla-test' });
    nodes = await HeartbeatNodes.start(client, ['node-1', 'node-2', 'node-3'].map((name) => ({ name, cpu: '4', memory: '8Gi' })), { intervalMs: 500 });
    runner = await PodRunner.start(client);
    const common = ['--kubeconfig', cp.adminKubeconfig, '--port', '0', '--leader-elect-retry-period', '200ms', '--log-level', 'warn'];
    scheduler = await ComponentProcess.start('kube-scheduler', 'scheduler/main.js', common);
    manager = await ComponentProcess.start('kube-controller-manager', 'controllers/main.js', [...common, '--node-monitor-period', '500ms', '--node-monitor-grace-period', '5s']);
    pods = new Informer<Pod>(client, Resources.pods);
    pods.start();
    await pods.waitForSync(30_000);
  });

  // Everything that watches the apiserver stops before it does.
  after(async () => {
    await pods?.stop();
    await manager?.stop('SIGKILL');
    await scheduler?.stop('SIGKILL');
    await runner?.stop();
    await lateNode?.stop();
    await nodes?.stop();
    await client?.close();
    await cp?.stop();
  });

  const ready = (app: string) => pods.store.list().filter((p) => p.metadata.labels?.app === app && isPodActive(p) && isPodReady(p));

  it('serves /healthz and /metrics and becomes the leader', async () => {
    assert.deepEqual(await manager.get('/healthz'), { status: 200, text: 'ok' });
    await eventually(async () => ((await manager.isLeader()) ? true : undefined), 20_000, 'leadership');
  });

  it('spreads a Deployment of 10 replicas over 3 nodes as scored (equal nodes: evenly)', async () => {
    const tolerations = ['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready'].map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 }));
    await client.create(Resources.deployments, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 10,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { tolerations, containers: [{ name: 'web', image: 'nginx:1', resources: { requests: { cpu: '200m', memory: '128Mi' } } }] } },
      },
    });
    const run = await cp.kubectl(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    assert.equal(run.code, 0, run.stderr);
    await eventually(() => (ready('web').length === 10 ? true : undefined), 30_000, '10 ready pods');
    const counts = ['node-1', 'node-2', 'node-3'].map((n) => ready('web').filter((p) => p.spec.nodeName === n).length);
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `least-allocated scoring spreads evenly: ${counts}`);
  });

  it('covers a node added later with a DaemonSet', async () => {
    await client.create(Resources.daemonsets, {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'agent:1' }] } } },
    });
    await eventually(() => (ready('agent').length === 3 ? true : undefined), 30_000, '3 daemon pods');
    lateNode = await HeartbeatNodes.start(client, [{ name: 'node-4', cpu: '4', memory: '8Gi' }], { intervalMs: 500 });
    await eventually(() => (ready('agent').some((p) => p.spec.nodeName === 'node-4') ? true : undefined), 30_000, 'a daemon pod on node-4');
  });

  it('replaces the pods of a node whose heartbeat stops on the other nodes', async () => {
    const victim = 'node-1';
    const before = ready('web').filter((p) => p.spec.nodeName === victim).map((p) => p.metadata.name);
    assert.ok(before.length > 0, 'the victim runs some of the pods');
    nodes.stopHeartbeat(victim);
    runner.killNode(victim);
    await eventually(async () => {
      const node = await client.get<Node>(Resources.nodes, victim);
      return node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'Unknown' ? true : undefined;
    }, 30_000, 'the node Unknown');
    await eventually(() => {
      const web = ready('web');
      return web.length === 10 && web.every((p) => p.spec.nodeName !== victim) ? true : undefined;
    }, 45_000, '10 ready pods off the silent node');
  });

  it('stops cleanly on SIGTERM', async () => {
    assert.equal(await manager.stop('SIGTERM'), 0);
    assert.equal(await scheduler.stop('SIGTERM'), 0);
  });
});
