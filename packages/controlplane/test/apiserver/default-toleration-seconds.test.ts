import { expect } from 'chai';
import { findResource } from '../../src/api/resources.js';
import type { KubeObject } from '../../src/api/object.js';
import { defaultTolerationSeconds } from '../../src/apiserver/admission/default-toleration-seconds.js';
import type { AdmissionRequest, Operation } from '../../src/apiserver/admission/admission.js';

const USER = { name: 'tester', groups: [] };

function podWith(tolerations?: object[]): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'i' }], ...(tolerations ? { tolerations } : {}) } } as unknown as KubeObject;
}

async function admit(pod: KubeObject, operation: Operation = 'CREATE', subresource = '', resource = 'pods'): Promise<any[] | undefined> {
  const request: AdmissionRequest = { operation, resource: findResource('', 'v1', resource)!, subresource, namespace: 'default', name: 'p', object: pod, user: USER };
  await defaultTolerationSeconds({ notReadySeconds: 7, unreachableSeconds: 9 }).admit(request);
  return (pod as any).spec.tolerations;
}

describe('DefaultTolerationSeconds admission', () => {
  it('adds the not-ready and unreachable NoExecute tolerations with the configured seconds', async () => {
    expect(await admit(podWith())).to.deep.equal([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 7 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 9 },
    ]);
  });

  it('keeps a toleration the pod has and adds only the missing one', async () => {
    const own = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 };
    const other = { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' };
    expect(await admit(podWith([other, own]))).to.deep.equal([other, own, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 7 }]);
  });

  it('reads an empty key or effect as a wildcard that already tolerates both', async () => {
    expect(await admit(podWith([{ operator: 'Exists' }]))).to.deep.equal([{ operator: 'Exists' }]);
    expect(await admit(podWith([{ operator: 'Exists', effect: 'NoExecute' }]))).to.have.length(1);
  });

  it('leaves subresources and other resources alone', async () => {
    expect(await admit(podWith(), 'CREATE', 'binding')).to.equal(undefined);
    expect(await admit(podWith(), 'CREATE', '', 'configmaps')).to.equal(undefined);
  });
});
