import { expect } from 'chai';
import { bindingFor, failedSchedulingEvent, FitError, isUnscheduled, scheduledEvent } from '../../src/scheduler/index.js';
import { makePod } from './fixtures.js';

describe('scheduler binding and events', () => {
  const pod = makePod('web-1', { namespace: 'shop' });

  it('binds through a v1 Binding naming the pod and its uid', () => {
    expect(bindingFor(pod, 'node-2')).to.deep.equal({
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'web-1', namespace: 'shop', uid: 'uid-web-1' },
      target: { apiVersion: 'v1', kind: 'Node', name: 'node-2' },
    });
  });

  it('words the Scheduled event as kube-scheduler does', () => {
    const event = scheduledEvent(pod, 'node-2');
    expect(event).to.include({ type: 'Normal', reason: 'Scheduled', action: 'Binding', note: 'Successfully assigned shop/web-1 to node-2' });
    expect(event.regarding).to.deep.equal({ kind: 'Pod', apiVersion: 'v1', name: 'web-1', namespace: 'shop', uid: 'uid-web-1' });
  });

  it('carries the FitError message in FailedScheduling', () => {
    const error = new FitError(1, new Map([['n', { code: 'Unschedulable' as const, reasons: ['Insufficient cpu'] }]]));
    expect(failedSchedulingEvent(pod, error)).to.include({
      type: 'Warning',
      reason: 'FailedScheduling',
      note: '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..',
    });
  });

  it('sees a pod without nodeName as waiting for a scheduler', () => {
    expect(isUnscheduled(pod)).to.equal(true);
    expect(isUnscheduled(makePod('bound', { nodeName: 'n' }))).to.equal(false);
  });
});
