import type { KubeObject } from '../../src/api/object.js';

/** A pod as a user would create it for the scheduler tests: one container requesting cpu and memory. */
export function podObject(name: string, options: { cpu?: string; memory?: string; namespace?: string; schedulerName?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: options.namespace ?? 'default' },
    spec: {
      ...(options.schedulerName ? { schedulerName: options.schedulerName } : {}),
      containers: [{ name: 'main', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: options.cpu ?? '500m', memory: options.memory ?? '256Mi' } } }],
    },
  };
}

/** spec.nodeName of a pod object ('' when unbound). */
export const nodeNameOf = (pod: KubeObject): string => (pod.spec as { nodeName?: string }).nodeName ?? '';
