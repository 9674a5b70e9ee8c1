import assert from 'node:assert/strict';
import type { Lease, Node } from '../../src/controllers/framework/types.js';
import { evictionDeadline } from '../../src/controllers/nodelifecycle/eviction.js';
import { observeHeartbeat, podsMarkedNotReady, silentNodeStatus, STOPPED_POSTING } from '../../src/controllers/nodelifecycle/node-health.js';
import { taintsForReadiness, TAINT_NOT_READY, TAINT_UNREACHABLE } from '../../src/controllers/nodelifecycle/node-taints.js';
import { iso, pod, T0 } from './fixtures.js';

function node(ready: 'True' | 'False' | 'Unknown' | undefined, taints: Node['spec'] extends infer S ? (S extends { taints?: infer T } ? T : never) : never = []): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n1', creationTimestamp: iso(T0 - 600_000) },
    spec: { taints },
    status: {
      conditions: [
        ...(ready ? [{ type: 'Ready', status: ready, reason: 'KubeletReady', lastHeartbeatTime: iso(T0), lastTransitionTime: iso(T0 - 500_000) } as const] : []),
        { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: iso(T0) } as const,
      ],
    },
  };
}

const lease = (renewTime: string): Lease => ({ metadata: { name: 'n1', namespace: 'kube-node-lease' }, spec: { renewTime } });

describe('node lifecycle sync', () => {
  it('judges a heartbeat by when it was seen to change, on the controller clock', () => {
    const first = observeHeartbeat(undefined, node('True'), lease('a'), T0);
    assert.equal(first.observedAt, T0, 'a node seen for the first time gets a full grace period');
    const same = observeHeartbeat(first, node('True'), lease('a'), T0 + 30_000);
    assert.equal(same.observedAt, T0);
    const renewed = observeHeartbeat(same, node('True'), lease('b'), T0 + 35_000);
    assert.equal(renewed.observedAt, T0 + 35_000);
  });

  it('sets the kubelet conditions Unknown once the heartbeat is older than the grace period', () => {
    const record = { heartbeat: 'x', observedAt: T0 };
    assert.equal(silentNodeStatus(node('True'), record, T0 + 40_000, 40_000), undefined, 'not before the grace period has passed');
    const silent = silentNodeStatus(node('True'), record, T0 + 40_001, 40_000)!;
    const conditions = silent.status!.conditions!;
    for (const c of conditions) {
      assert.equal(c.status, 'Unknown');
      assert.equal(c.reason, 'NodeStatusUnknown');
      assert.equal(c.message, STOPPED_POSTING);
    }
    assert.equal(conditions.find((c) => c.type === 'Ready')!.lastHeartbeatTime, iso(T0), 'the last heartbeat is kept');
    assert.equal(silentNodeStatus(silent, record, T0 + 50_000, 40_000), undefined, 'already Unknown: nothing more to write');
  });

  it('taints unreachable for Unknown, not-ready for False, and removes them for True', () => {
    const unreachable = taintsForReadiness(node('Unknown'), T0)!;
    assert.deepEqual(unreachable.map((t) => `${t.key}:${t.effect}`), [`${TAINT_UNREACHABLE}:NoSchedule`, `${TAINT_UNREACHABLE}:NoExecute`]);
    assert.equal(unreachable[1]!.timeAdded, iso(T0));
    assert.equal(taintsForReadiness(node('Unknown', unreachable), T0 + 5000), undefined, 'already tainted: timeAdded kept, nothing to write');
    const notReady = taintsForReadiness(node('False', [...unreachable, { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]), T0)!;
    assert.deepEqual(notReady.map((t) => `${t.key}:${t.effect}`), ['dedicated:NoSchedule', `${TAINT_NOT_READY}:NoSchedule`, `${TAINT_NOT_READY}:NoExecute`]);
    assert.deepEqual(taintsForReadiness(node('True', notReady), T0), [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]);
  });

  it('evicts at once without a toleration, after tolerationSeconds from timeAdded with one, never without seconds', () => {
    const taints = [{ key: TAINT_UNREACHABLE, effect: 'NoExecute' as const, timeAdded: iso(T0) }];
    const plain = pod({ name: 'p', node: 'n1' });
    assert.equal(evictionDeadline(plain, taints, T0 + 1000), T0 + 1000);
    const tolerating = { ...plain, spec: { ...plain.spec, tolerations: [{ key: TAINT_UNREACHABLE, operator: 'Exists' as const, effect: 'NoExecute' as const, tolerationSeconds: 2 }] } };
    assert.equal(evictionDeadline(tolerating, taints, T0 + 1000), T0 + 2000);
    const forever = { ...plain, spec: { ...plain.spec, tolerations: [{ operator: 'Exists' as const }] } };
    assert.equal(evictionDeadline(forever, taints, T0), undefined);
    assert.equal(evictionDeadline(plain, [{ key: 'x', effect: 'NoSchedule' }], T0), undefined, 'NoSchedule evicts nothing');
  });
});

describe('node lifecycle: pods of a node that is not ready', () => {
  it('are marked Ready=False (so Endpoints drop them); nothing changes while the node is Ready', () => {
    const ready = pod({ name: 'a', node: 'n1', ready: true });
    const notReady = pod({ name: 'b', node: 'n1' });
    assert.deepEqual(podsMarkedNotReady(node('True'), [ready, notReady], T0), []);
    const marked = podsMarkedNotReady(node('Unknown'), [ready, notReady], T0);
    assert.deepEqual(marked.map((p) => p.metadata.name), ['a']);
    assert.deepEqual(marked[0]!.status!.conditions!.find((c) => c.type === 'Ready'), { type: 'Ready', status: 'False', lastTransitionTime: iso(T0) });
    assert.equal(marked[0]!.metadata.resourceVersion, '1', 'a compare-and-swap on what was read');
  });
});
