import type { KubeObject } from '../../../api/object.js';
import type { ResourceInfo } from '../../../api/resources.js';
import { type ResourceStrategy, defaultStrategy } from '../strategy.js';

type Json = Record<string, any>;

/**
 * Pods: status belongs to the kubelet; a pod on a node is deleted gracefully (its kubelet
 * stops the containers and then deletes it with grace 0), one never scheduled or already
 * finished is deleted at once.
 */
export function podStrategy(r: ResourceInfo): ResourceStrategy {
  const base = defaultStrategy(r);
  return defaultStrategy(r, {
    selectableFields: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
    fieldsOf: (obj: KubeObject) => {
      const p = obj as Json;
      return {
        'spec.nodeName': p.spec?.nodeName ?? '',
        'spec.restartPolicy': p.spec?.restartPolicy ?? '',
        'spec.schedulerName': p.spec?.schedulerName ?? '',
        'spec.serviceAccountName': p.spec?.serviceAccountName ?? '',
        'spec.hostNetwork': String(p.spec?.hostNetwork ?? false),
        'status.phase': p.status?.phase ?? '',
        'status.podIP': p.status?.podIP ?? '',
        'status.nominatedNodeName': p.status?.nominatedNodeName ?? '',
      };
    },
    prepareForCreate(obj) {
      base.prepareForCreate(obj);
      (obj as Json).status = {};
    },
    gracePeriodFor(obj, options) {
      const p = obj as Json;
      if (!p.spec?.nodeName) return 0;
      if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') return 0;
      const grace = options.gracePeriodSeconds ?? p.spec?.terminationGracePeriodSeconds ?? 30;
      return Math.max(0, grace);
    },
  });
}
