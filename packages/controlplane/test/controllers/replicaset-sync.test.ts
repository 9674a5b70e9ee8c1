import assert from 'node:assert/strict';
import { compareForDeletion } from '../../src/controllers/replicaset/deletion-order.js';
import { syncReplicaSet } from '../../src/controllers/replicaset/sync.js';
import type { Pod, ReplicaSet } from '../../src/controllers/framework/types.js';
import { iso, objectsOf, ofOp, pod, replicaSet, T0 } from './fixtures.js';

describe('replicaset sync', () => {
  it('creates the missing pods from the template, owned by the ReplicaSet and named after it', () => {
    const rs = replicaSet('web', 3);
    const { writes, creates } = syncReplicaSet({ rs, pods: [pod({ name: 'web-a', owner: rs })], now: T0, mayManage: true });
    assert.equal(creates, 2);
    const created = objectsOf<Pod>(writes, 'create');
    assert.equal(created.length, 2);
    for (const p of created) {
      assert.equal(p.metadata.generateName, 'web-');
      assert.deepEqual(p.metadata.labels, { app: 'web' });
      assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }]);
      assert.equal(p.spec.containers[0]!.image, 'nginx:1');
    }
  });

  it('creates nothing while its earlier writes are not yet in the cache (expectations)', () => {
    const rs = replicaSet('web', 3);
    const { writes, creates } = syncReplicaSet({ rs, pods: [], now: T0, mayManage: false });
    assert.equal(creates, 0);
    assert.equal(ofOp(writes, 'create').length, 0);
  });

  it('deletes unassigned, then pending, then not-ready pods before ready ones, newer first', () => {
    const rs = replicaSet('web', 2);
    const pods = [
      pod({ name: 'ready-old', owner: rs, node: 'n1', ready: true, readySince: T0 - 100_000 }),
      pod({ name: 'ready-new', owner: rs, node: 'n1', ready: true, readySince: T0 - 1000 }),
      pod({ name: 'not-ready', owner: rs, node: 'n1', phase: 'Running' }),
      pod({ name: 'pending', owner: rs, node: 'n2', phase: 'Pending' }),
      pod({ name: 'unassigned', owner: rs }),
    ];
    const { writes, deletes } = syncReplicaSet({ rs, pods, now: T0, mayManage: true });
    assert.deepEqual(ofOp(writes, 'delete').map((w) => (w as { name: string }).name), ['unassigned', 'pending', 'not-ready']);
    assert.deepEqual(deletes, ['uid-unassigned', 'uid-pending', 'uid-not-ready']);
    const ordered = [...pods].sort(compareForDeletion).map((p) => p.metadata.name);
    assert.deepEqual(ordered, ['unassigned', 'pending', 'not-ready', 'ready-new', 'ready-old']);
  });

  it('adopts a matching orphan and releases an owned pod that no longer matches', () => {
    const rs = replicaSet('web', 2);
    const orphan = pod({ name: 'orphan' });
    const stray = pod({ name: 'stray', owner: rs, labels: { app: 'other' } });
    const foreign = pod({ name: 'foreign', owner: replicaSet('other', 1) });
    const { writes, creates } = syncReplicaSet({ rs, pods: [orphan, stray, foreign], now: T0, mayManage: true });
    const updates = objectsOf<Pod>(writes, 'update');
    assert.deepEqual(updates.map((p) => p.metadata.name).sort(), ['orphan', 'stray']);
    assert.equal(updates.find((p) => p.metadata.name === 'orphan')!.metadata.ownerReferences![0]!.uid, 'uid-web');
    assert.equal(updates.find((p) => p.metadata.name === 'stray')!.metadata.ownerReferences, undefined);
    assert.equal(creates, 1, 'the adopted orphan counts: one more pod is needed');
  });

  it('reports replicas, fully labeled, ready and available (minReadySeconds) and the generation', () => {
    const rs: ReplicaSet = { ...replicaSet('web', 3, { minReadySeconds: 10 }), metadata: { ...replicaSet('web', 3).metadata, generation: 4 } };
    const pods = [
      pod({ name: 'a', owner: rs, node: 'n', ready: true, readySince: T0 - 60_000 }),
      pod({ name: 'b', owner: rs, node: 'n', ready: true, readySince: T0 - 2_000 }),
      pod({ name: 'c', owner: rs, node: 'n', labels: { app: 'web', extra: 'x' } }),
      { ...pod({ name: 'gone', owner: rs, node: 'n', ready: true }), metadata: { ...pod({ name: 'gone', owner: rs }).metadata, deletionTimestamp: iso(T0) } },
    ];
    const result = syncReplicaSet({ rs, pods, now: T0, mayManage: true });
    const status = objectsOf<ReplicaSet>(result.writes, 'updateStatus')[0]!.status;
    assert.deepEqual(status, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 2, availableReplicas: 1, observedGeneration: 4 });
    assert.equal(result.resyncAfterMs, 8_000, 'b becomes available 8 s from now');
  });

  it('writes nothing when pods and status already match', () => {
    const rs = replicaSet('web', 1);
    const pods = [pod({ name: 'a', owner: rs, node: 'n', ready: true })];
    const done = { ...rs, status: { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 } };
    assert.deepEqual(syncReplicaSet({ rs: done, pods, now: T0, mayManage: true }).writes, []);
  });
});
