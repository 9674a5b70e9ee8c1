import assert from 'node:assert/strict';
import { endpointSubsets, syncEndpoints } from '../../src/controllers/endpoints/sync.js';
import type { Endpoints, Pod, Service } from '../../src/controllers/framework/types.js';
import { objectsOf, pod } from './fixtures.js';

function service(ports: Service['spec'] extends infer S ? (S extends { ports?: infer P } ? P : never) : never): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', labels: { tier: 'front' } }, spec: { selector: { app: 'web' }, ports } };
}

function withIp(p: Pod, ip: string, ports: { name: string; containerPort: number }[] = []): Pod {
  return { ...p, spec: { ...p.spec, containers: [{ name: 'web', ports }] }, status: { ...p.status, podIP: ip } };
}

describe('endpoints sync', () => {
  it('lists ready pods in addresses and the others in notReadyAddresses, with node and targetRef', () => {
    const pods = [withIp(pod({ name: 'b', node: 'n2', ready: true }), '10.0.0.2'), withIp(pod({ name: 'a', node: 'n1', ready: true }), '10.0.0.1'), withIp(pod({ name: 'c', node: 'n1' }), '10.0.0.3'), pod({ name: 'no-ip', node: 'n1', ready: true }), withIp(pod({ name: 'other', labels: { app: 'db' }, ready: true }), '10.0.0.9')];
    const subsets = endpointSubsets(service([{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }]), pods);
    assert.deepEqual(subsets, [
      {
        addresses: [
          { ip: '10.0.0.1', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } },
          { ip: '10.0.0.2', nodeName: 'n2', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } },
        ],
        notReadyAddresses: [{ ip: '10.0.0.3', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'c', uid: 'uid-c' } }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
  });

  it('resolves a named targetPort through each pod’s container ports and groups pods by the ports they give', () => {
    const pods = [withIp(pod({ name: 'a', ready: true }), '10.0.0.1', [{ name: 'web', containerPort: 8080 }]), withIp(pod({ name: 'b', ready: true }), '10.0.0.2', [{ name: 'web', containerPort: 9090 }]), withIp(pod({ name: 'c', ready: true }), '10.0.0.3')];
    const subsets = endpointSubsets(service([{ port: 80, targetPort: 'web', protocol: 'TCP' }]), pods);
    assert.deepEqual(subsets.map((s) => [s.addresses!.map((a) => a.ip), s.ports]), [
      [['10.0.0.1'], [{ port: 8080, protocol: 'TCP' }]],
      [['10.0.0.2'], [{ port: 9090, protocol: 'TCP' }]],
    ]);
  });

  it('creates the Endpoints once, writes nothing while unchanged, and leaves selectorless Services alone', () => {
    const svc = service([{ port: 80, targetPort: 80, protocol: 'TCP' }]);
    const pods = [withIp(pod({ name: 'a', ready: true }), '10.0.0.1')];
    const [created] = objectsOf<Endpoints>(syncEndpoints(svc, pods, undefined), 'create');
    assert.equal(created!.metadata.name, 'web');
    assert.deepEqual(created!.metadata.labels, { tier: 'front' });
    const stored = { ...created!, metadata: { ...created!.metadata, resourceVersion: '5' } };
    assert.deepEqual(syncEndpoints(svc, pods, stored), []);
    const [updated] = objectsOf<Endpoints>(syncEndpoints(svc, [], stored), 'update');
    assert.deepEqual(updated!.subsets, []);
    assert.equal(updated!.metadata.resourceVersion, '5', 'an update is a compare-and-swap on what was read');
    assert.deepEqual(syncEndpoints({ ...svc, spec: { ports: svc.spec!.ports } }, pods, undefined), []);
  });
});
