/**
 * What the scheduler writes once it has decided, as plain objects for the driver to send: the
 * Binding it POSTs to pods/<name>/binding, and the Events a user reads in `kubectl describe pod`.
 */
import type { Pod } from './types.js';

/** A v1 Binding: the pod (by name, namespace and uid) onto the node. */
export interface Binding {
  readonly apiVersion: 'v1';
  readonly kind: 'Binding';
  readonly metadata: { readonly name: string; readonly namespace: string; readonly uid?: string };
  readonly target: { readonly apiVersion: 'v1'; readonly kind: 'Node'; readonly name: string };
}

export function bindingFor(pod: Pod, nodeName: string): Binding {
  const { name, namespace = 'default', uid } = pod.metadata;
  return {
    apiVersion: 'v1',
    kind: 'Binding',
    metadata: uid === undefined ? { name, namespace } : { name, namespace, uid },
    target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
  };
}

/** The fields of a scheduling Event that the decision fixes; the driver adds names and times. */
export interface SchedulingEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: 'Scheduled' | 'FailedScheduling';
  /** events.k8s.io action: what the scheduler was doing. */
  readonly action: 'Binding' | 'Scheduling';
  readonly note: string;
  readonly regarding: { readonly kind: 'Pod'; readonly apiVersion: 'v1'; readonly name: string; readonly namespace: string; readonly uid?: string };
}

function regarding(pod: Pod): SchedulingEvent['regarding'] {
  const { name, namespace = 'default', uid } = pod.metadata;
  return uid === undefined ? { kind: 'Pod', apiVersion: 'v1', name, namespace } : { kind: 'Pod', apiVersion: 'v1', name, namespace, uid };
}

/** "Successfully assigned default/web-1 to node-2", as kube-scheduler words it. */
export function scheduledEvent(pod: Pod, nodeName: string): SchedulingEvent {
  const { name, namespace = 'default' } = pod.metadata;
  return { type: 'Normal', reason: 'Scheduled', action: 'Binding', note: `Successfully assigned ${namespace}/${name} to ${nodeName}`, regarding: regarding(pod) };
}

/** A FailedScheduling warning carrying the FitError's (or any scheduling error's) message. */
export function failedSchedulingEvent(pod: Pod, error: Error): SchedulingEvent {
  return { type: 'Warning', reason: 'FailedScheduling', action: 'Scheduling', note: error.message, regarding: regarding(pod) };
}
