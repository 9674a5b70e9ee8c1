import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { createLogger } from '../../src/apiserver/log.js';
import { Resources, RestClient } from '../../src/client/index.js';
import { DEFAULT_SETTINGS } from '../../src/controllers/catalog.js';
import { ControllerManager } from '../../src/controllers/controller-manager.js';
import type { Lease, Pod } from '../../src/controllers/framework/types.js';
import { eventually, TestControlPlane } from '../support/control-plane.js';

describe('kube-controller-manager leader election', () => {
  let cp: TestControlPlane;
  let client: RestClient;
  const managers: ControllerManager[] = [];

  before(async () => {
    cp = await TestControlPlane.start();
    client = await RestClient.fromKubeconfig(cp.adminKubeconfig, { userAgent: 'flotilla-test' });
  });

  after(async () => {
    for (const m of managers) await m.stop();
    await client?.close();
    await cp?.stop();
  });

  const start = (identity: string) => {
    const m = new ControllerManager({
      client,
      logger: createLogger(process.env.FLOTILLA_TEST_LOG === '1' ? 'debug' : 'error', 'kube-controller-manager'),
      registry: new Registry(),
      controllers: ['replicaset'],
      settings: DEFAULT_SETTINGS,
      leaderElection: { namespace: 'kube-system', name: 'kube-controller-manager', identity, leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 200 },
    });
    managers.push(m);
    m.start();
    return m;
  };

  const activePods = async () => (await client.list<Pod>(Resources.pods, { namespace: 'default', labelSelector: 'app=le' })).items.filter((p) => !p.metadata.deletionTimestamp);

  it('runs controllers on one candidate only, and a standby takes over when the leader stops', async () => {
    const first = start('cm-1');
    const second = start('cm-2');
    const leader = await eventually(() => (first.isLeader ? first : second.isLeader ? second : undefined), 15_000, 'a leader');
    const standby = leader === first ? second : first;
    assert.equal(standby.isLeader, false, 'never two leaders');
    await client.create(Resources.replicasets, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'le', namespace: 'default' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'le' } }, template: { metadata: { labels: { app: 'le' } }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } } },
    });
    await eventually(async () => ((await activePods()).length === 2 ? true : undefined), 20_000, 'the leader to create 2 pods');
    await leader.stop();
    await eventually(() => (standby.isLeader ? true : undefined), 10_000, 'the standby to take over');
    const lease = await client.get<Lease>(Resources.leases, 'kube-controller-manager', { namespace: 'kube-system' });
    assert.equal(lease.spec?.holderIdentity, standby.identity);
    await client.patch(Resources.replicasets, 'le', { spec: { replicas: 4 } }, 'merge', { namespace: 'default' });
    await eventually(async () => ((await activePods()).length === 4 ? true : undefined), 20_000, 'the new leader to create 2 more pods');
  });
});
