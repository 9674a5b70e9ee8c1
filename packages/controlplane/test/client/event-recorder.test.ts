import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/object.js';
import { EventRecorder, ManualClock, Resources, type CoreEvent } from '../../src/client/index.js';
import { withControlPlane } from './with-control-plane.js';

describe('event recorder against a kube-apiserver', function () {
  const ctx = withControlPlane();

  it('writes an Event about an object and aggregates repeats into count and lastTimestamp', async () => {
    const pod = await ctx.client.create(Resources.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ev-pod', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    const clock = new ManualClock(Date.parse('2026-03-01T10:00:00Z'));
    const recorder = new EventRecorder(ctx.client, { component: 'default-scheduler', clock });
    recorder.event(pod, 'Warning', 'FailedScheduling', '0/3 nodes are available: 3 Insufficient cpu.');
    clock.advance(5000);
    recorder.event(pod, 'Warning', 'FailedScheduling', '0/3 nodes are available: 3 Insufficient cpu.');
    clock.advance(5000);
    recorder.event(pod, 'Warning', 'FailedScheduling', '0/3 nodes are available: 3 Insufficient cpu.');
    recorder.event(pod, 'Normal', 'Scheduled', 'Successfully assigned default/ev-pod to node-1');
    await recorder.flush();
    const events = (await ctx.client.list<CoreEvent>(Resources.events, { namespace: 'default', fieldSelector: 'involvedObject.name=ev-pod' })).items;
    const byReason = new Map(events.map((e) => [e.reason, e]));
    assert.equal(events.length, 2);
    const failed = byReason.get('FailedScheduling')!;
    assert.equal(failed.count, 3);
    assert.equal(failed.type, 'Warning');
    assert.equal(failed.firstTimestamp, '2026-03-01T10:00:00Z');
    assert.equal(failed.lastTimestamp, '2026-03-01T10:00:10Z');
    assert.deepEqual(failed.source, { component: 'default-scheduler' });
    assert.deepEqual(
      { kind: failed.involvedObject.kind, name: failed.involvedObject.name, namespace: failed.involvedObject.namespace, uid: failed.involvedObject.uid },
      { kind: 'Pod', name: 'ev-pod', namespace: 'default', uid: (pod as KubeObject).metadata.uid },
    );
    assert.equal(byReason.get('Scheduled')!.message, 'Successfully assigned default/ev-pod to node-1');
    assert.equal(byReason.get('Scheduled')!.count, 1);
  });
});
