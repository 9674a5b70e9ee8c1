import assert from 'node:assert/strict';
import { targetNodeOf, TEMPLATE_GENERATION_LABEL } from '../../src/controllers/daemonset/daemon-pod.js';
import { shouldRunOn, syncDaemonSet } from '../../src/controllers/daemonset/sync.js';
import type { DaemonSet, DaemonSetStatus, Node, Pod } from '../../src/controllers/framework/types.js';
import { iso, objectsOf, ofOp, pod, T0, template } from './fixtures.js';

function daemonSet(spec: Partial<DaemonSet['spec']> = {}): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'default', uid: 'uid-agent', generation: 1, resourceVersion: '1', creationTimestamp: iso(T0) },
    spec: { selector: { matchLabels: { app: 'web' } }, template: template('agent:1'), ...spec },
  };
}

function node(name: string, labels: Record<string, string> = {}, taints: { key: string; effect: 'NoSchedule' | 'NoExecute' | 'PreferNoSchedule' }[] = []): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: { taints } };
}

function daemonPod(name: string, ds: DaemonSet, nodeName: string, extra: { ready?: boolean; generation?: string } = {}): Pod {
  const p = pod({ name, owner: ds, node: nodeName, ready: extra.ready ?? true, labels: { app: 'web', [TEMPLATE_GENERATION_LABEL]: extra.generation ?? '1' } });
  return p;
}

describe('daemonset sync', () => {
  it('creates one pod per matching node, pinned by matchFields node affinity, with the daemon tolerations', () => {
    const ds = daemonSet({ template: { ...template('agent:1'), spec: { ...template('agent:1').spec, nodeSelector: { role: 'worker' } } } });
    const nodes = [node('n1', { role: 'worker' }), node('n2', { role: 'worker' }, [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }]), node('n3', { role: 'db' })];
    const { writes, creates } = syncDaemonSet({ ds, nodes, pods: [], now: T0, mayManage: true });
    assert.equal(creates, 2);
    const pods = objectsOf<Pod>(writes, 'create');
    assert.deepEqual(pods.map(targetNodeOf), ['n1', 'n2']);
    assert.deepEqual(pods[0]!.spec.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution, { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] });
    assert.ok(pods[0]!.spec.tolerations!.some((t) => t.key === 'node.kubernetes.io/not-ready' && t.effect === 'NoExecute' && t.operator === 'Exists'));
    assert.equal(pods[0]!.metadata.labels![TEMPLATE_GENERATION_LABEL], '1');
    assert.equal(pods[0]!.spec.nodeName, undefined, 'the scheduler binds it');
  });

  it('skips nodes with taints the pod does not tolerate, and deletes pods from nodes that stop matching or are gone', () => {
    const ds = daemonSet();
    assert.equal(shouldRunOn(ds, node('n1', {}, [{ key: 'dedicated', effect: 'NoSchedule' }])), false);
    assert.equal(shouldRunOn(ds, node('n1', {}, [{ key: 'soft', effect: 'PreferNoSchedule' }])), true);
    const nodes = [node('n1'), node('n2', {}, [{ key: 'dedicated', effect: 'NoExecute' }])];
    const pods = [daemonPod('a', ds, 'n1'), daemonPod('b', ds, 'n2'), daemonPod('c', ds, 'gone')];
    const result = syncDaemonSet({ ds, nodes, pods, now: T0, mayManage: true });
    assert.deepEqual(ofOp(result.writes, 'delete').map((w) => (w.op === 'delete' ? w.name : '')).sort(), ['b', 'c']);
    const status = objectsOf<DaemonSet>(result.writes, 'updateStatus')[0]!.status as DaemonSetStatus;
    assert.deepEqual(
      { desired: status.desiredNumberScheduled, current: status.currentNumberScheduled, mis: status.numberMisscheduled, ready: status.numberReady, updated: status.updatedNumberScheduled },
      { desired: 1, current: 1, mis: 1, ready: 1, updated: 1 },
    );
  });

  it('keeps the oldest of two pods on a node and counts an unbound pod by the node it is pinned to', () => {
    const ds = daemonSet();
    const pinned = syncDaemonSet({ ds, nodes: [node('n1')], pods: [], now: T0, mayManage: true });
    const unbound = { ...objectsOf<Pod>(pinned.writes, 'create')[0]!, metadata: { ...objectsOf<Pod>(pinned.writes, 'create')[0]!.metadata, name: 'agent-x', uid: 'uid-agent-x' } };
    assert.equal(syncDaemonSet({ ds, nodes: [node('n1')], pods: [unbound], now: T0, mayManage: true }).creates, 0);
    const older = { ...daemonPod('old', ds, 'n1'), metadata: { ...daemonPod('old', ds, 'n1').metadata, creationTimestamp: iso(T0 - 1000) } };
    const result = syncDaemonSet({ ds, nodes: [node('n1')], pods: [daemonPod('new', ds, 'n1'), older], now: T0, mayManage: true });
    assert.deepEqual(ofOp(result.writes, 'delete').map((w) => (w.op === 'delete' ? w.name : '')), ['new']);
  });

  it('replaces pods of an older template generation one node at a time (maxUnavailable 1)', () => {
    const ds: DaemonSet = { ...daemonSet(), metadata: { ...daemonSet().metadata, generation: 2 } };
    const pods = [daemonPod('a', ds, 'n1'), daemonPod('b', ds, 'n2'), daemonPod('c', ds, 'n3')];
    const result = syncDaemonSet({ ds, nodes: [node('n1'), node('n2'), node('n3')], pods, now: T0, mayManage: true });
    assert.equal(ofOp(result.writes, 'delete').length, 1);
  });
});
