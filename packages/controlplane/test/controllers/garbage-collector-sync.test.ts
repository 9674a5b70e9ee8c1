import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/object.js';
import { gcAction, type OwnerState } from '../../src/api/ownership.js';
import { namespaceStep } from '../../src/controllers/namespace/content.js';
import { iso, pod, replicaSet, T0 } from './fixtures.js';

const states = (map: Record<string, OwnerState>) => (r: { uid: string }) => map[r.uid] ?? 'unknown';

describe('garbage collector and namespace decisions', () => {
  const rs = replicaSet('web', 1);
  const child = pod({ name: 'child', owner: rs });

  it('deletes a dependent only once every owner is confirmed gone', () => {
    assert.deepEqual(gcAction(child, [], states({ 'uid-web': 'present' })), { kind: 'none' });
    assert.equal(gcAction(child, [], states({})).kind, 'confirm', 'an owner missing from the caches is looked up first');
    assert.deepEqual(gcAction(child, [], states({ 'uid-web': 'absent' })), { kind: 'delete' });
    assert.deepEqual(gcAction(pod({ name: 'orphan' }), [], states({})), { kind: 'none' });
  });

  it('finishes foreground and orphan deletions of an owner', () => {
    const deleting = (finalizer: string): KubeObject => ({ ...rs, metadata: { ...rs.metadata, deletionTimestamp: iso(T0), finalizers: [finalizer] } });
    assert.deepEqual(gcAction(deleting('foregroundDeletion'), [child], states({})), { kind: 'delete-dependents', dependents: [child] });
    assert.deepEqual(gcAction(deleting('foregroundDeletion'), [], states({})), { kind: 'drop-finalizer', finalizer: 'foregroundDeletion' });
    assert.deepEqual(gcAction(deleting('orphan'), [child], states({})), { kind: 'orphan-dependents', dependents: [child] });
    const released = { ...child, metadata: { ...child.metadata, ownerReferences: undefined } };
    assert.deepEqual(gcAction(deleting('orphan'), [released], states({})), { kind: 'drop-finalizer', finalizer: 'orphan' });
  });

  it('a namespace being deleted deletes its content, then drops the kubernetes finalizer', () => {
    assert.equal(namespaceStep(3, ['kubernetes']), 'delete-content');
    assert.equal(namespaceStep(0, ['kubernetes']), 'finalize');
    assert.equal(namespaceStep(0, []), 'done');
  });
});
