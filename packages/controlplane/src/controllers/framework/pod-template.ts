import { deepCopy, type OwnerReference } from '../../api/object.js';
import type { Pod, PodTemplate } from './types.js';

/**
 * A new pod from a controller's template: the template's labels, annotations and spec, a name the
 * apiserver generates from `generateName`, and the controller's owner reference.
 */
export function podFromTemplate(template: PodTemplate, namespace: string, generateName: string, owner: OwnerReference): Pod {
  const meta = template.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: '',
      generateName,
      namespace,
      labels: { ...(meta.labels ?? {}) },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ownerReferences: [owner],
    },
    spec: deepCopy(template.spec),
  };
}
