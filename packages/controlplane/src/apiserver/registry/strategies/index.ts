import type { KubeObject } from '../../../api/object.js';
import type { ResourceInfo } from '../../../api/resources.js';
import type { ClusterIpAllocator } from '../../allocation/cluster-ip-allocator.js';
import { type ResourceStrategy, defaultStrategy } from '../strategy.js';
import { namespaceStrategy } from './namespaces.js';
import { podStrategy } from './pods.js';
import { serviceStrategy } from './services.js';

type Json = Record<string, any>;

/** What the strategies need from the rest of the server. */
export interface StrategyDependencies {
  readonly allocator: ClusterIpAllocator;
  createDefaultServiceAccount(namespace: string): Promise<void>;
}

const EVENT_FIELDS = [
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'reportingComponent',
  'source',
  'type',
];

function eventFields(obj: KubeObject): Record<string, string> {
  const e = obj as Json;
  const out: Record<string, string> = {};
  for (const f of EVENT_FIELDS) {
    const [head, tail] = f.split('.');
    const v = tail ? e[head]?.[tail] : head === 'source' ? e.source?.component ?? e.reportingController : e[head];
    out[f] = v === undefined || v === null ? '' : String(v);
  }
  return out;
}

/** The strategy of each served resource. */
export function strategyFor(r: ResourceInfo, deps: StrategyDependencies): ResourceStrategy {
  switch (r.kind) {
    case 'Pod':
      return podStrategy(r);
    case 'Service':
      return serviceStrategy(r, deps.allocator);
    case 'Namespace':
      return namespaceStrategy(r, deps.createDefaultServiceAccount);
    case 'Node':
      return defaultStrategy(r, { selectableFields: ['spec.unschedulable'], fieldsOf: (o) => ({ 'spec.unschedulable': String((o as Json).spec?.unschedulable ?? false) }) });
    case 'Event':
      return defaultStrategy(r, { selectableFields: EVENT_FIELDS, fieldsOf: eventFields });
    case 'Secret':
      return defaultStrategy(r, { selectableFields: ['type'], fieldsOf: (o) => ({ type: (o as Json).type ?? '' }) });
    case 'ReplicaSet':
      return defaultStrategy(r, { selectableFields: ['status.replicas'], fieldsOf: (o) => ({ 'status.replicas': String((o as Json).status?.replicas ?? 0) }) });
    case 'Endpoints':
      return defaultStrategy(r, { allowCreateOnUpdate: true });
    default:
      return defaultStrategy(r);
  }
}
