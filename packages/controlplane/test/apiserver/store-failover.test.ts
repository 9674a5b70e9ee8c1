import { expect } from 'chai';
import { TestControlPlane, eventually } from '../support/control-plane.js';
import { storeLeader } from '../support/store-cluster.js';

const NS = 'failover';

/**
 * Kills the store's leader (SIGKILL) while clients create objects through the apiserver, over
 * HTTP and with the real kubectl: every create the apiserver acknowledged (201) must be there
 * afterwards, in the store and in the watch cache. Creates that failed during the election were
 * never acknowledged and are not counted.
 */
describe('kube-apiserver when the store leader dies', function () {
  this.timeout(180_000);
  let cp: TestControlPlane;

  before(async () => {
    cp = await TestControlPlane.start();
    expect((await cp.http('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } })).status).to.equal(201);
  });

  after(async () => {
    await cp?.stop();
  });

  it('loses no acknowledged write', async () => {
    const acknowledged = new Map<string, string>();
    let failures = 0;
    let stop = false;
    let afterKill = 0;
    let killed = false;

    const httpWriter = async (worker: number) => {
      for (let i = 0; !stop; i++) {
        const name = `http-${worker}-${i}`;
        try {
          const r = await cp.http('POST', `/api/v1/namespaces/${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { i: String(i) } });
          if (r.status === 201) {
            acknowledged.set(name, r.body.metadata.uid);
            if (killed) afterKill++;
          } else failures++;
        } catch {
          failures++;
        }
      }
    };
    const kubectlWriter = async () => {
      for (let i = 0; !stop; i++) {
        const name = `kubectl-${i}`;
        const run = await cp.kubectl(['create', '-n', NS, '-f', '-', '-o', 'jsonpath={.metadata.uid}'], {
          stdin: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { i: String(i) } }),
        });
        if (run.code === 0) acknowledged.set(name, run.stdout.trim());
        else failures++;
      }
    };

    const writers = [httpWriter(0), httpWriter(1), httpWriter(2), kubectlWriter()];
    try {
      await eventually(() => (acknowledged.size >= 30 ? true : undefined), 60_000, 'writes before the kill');
      const leader = await storeLeader(cp.store);
      await leader.stop('SIGKILL');
      killed = true;
      // Writes go on once the two survivors elect a leader and the client finds it.
      await eventually(() => (afterKill >= 30 ? true : undefined), 90_000, 'writes after the kill');
    } finally {
      stop = true;
      await Promise.all(writers);
    }

    expect(acknowledged.size).to.be.greaterThan(60);
    for (const [name, uid] of acknowledged) {
      const r = await cp.http('GET', `/api/v1/namespaces/${NS}/configmaps/${name}`);
      expect(r.status, `acknowledged ${name} is missing (${failures} unacknowledged failures)`).to.equal(200);
      expect(r.body.metadata.uid).to.equal(uid);
    }
    // The watch cache, which followed the store across the election, holds them too.
    await eventually(async () => {
      const cached = await cp.http('GET', `/api/v1/namespaces/${NS}/configmaps?resourceVersion=0`);
      const names = new Set(cached.body.items.map((o: { metadata: { name: string } }) => o.metadata.name));
      return [...acknowledged.keys()].every((n) => names.has(n)) ? true : undefined;
    }, 30_000, 'the watch cache to hold every acknowledged object');
  });
});
