import type { KubeObject } from '../../../api/object.js';
import type { ResourceInfo } from '../../../api/resources.js';
import type { ClusterIpAllocator } from '../../allocation/cluster-ip-allocator.js';
import { invalid } from '../../status-error.js';
import { type ResourceStrategy, defaultStrategy } from '../strategy.js';

type Json = Record<string, any>;

const needsClusterIp = (svc: Json) => svc.spec?.type !== 'ExternalName' && svc.spec?.clusterIP !== 'None';

/** Services: a cluster IP from the allocator on create, kept on update, released on delete. */
export function serviceStrategy(r: ResourceInfo, allocator: ClusterIpAllocator): ResourceStrategy {
  const fail = (svc: Json, error: Parameters<typeof invalid>[3][number]) => invalid('Service', '', svc.metadata.name ?? '', [error]);
  return defaultStrategy(r, {
    selectableFields: ['spec.clusterIP', 'spec.type'],
    fieldsOf: (obj: KubeObject) => ({ 'spec.clusterIP': (obj as Json).spec?.clusterIP ?? '', 'spec.type': (obj as Json).spec?.type ?? '' }),
    async beforeCreate(obj) {
      const svc = obj as Json;
      if (!needsClusterIp(svc)) {
        if (svc.spec?.clusterIP === 'None') svc.spec.clusterIPs = ['None'];
        return;
      }
      const ip = await allocator.allocate(`${svc.metadata.namespace}/${svc.metadata.name}`, svc.spec.clusterIP || undefined);
      if (typeof ip !== 'string') throw fail(svc, ip);
      svc.spec.clusterIP = ip;
      svc.spec.clusterIPs = [ip];
    },
    async beforeUpdate(obj, old) {
      const svc = obj as Json;
      const prev = old as Json;
      // An update that leaves clusterIP out keeps the allocated one (as kubectl apply expects).
      if (needsClusterIp(svc) && !svc.spec.clusterIP && prev.spec?.clusterIP) {
        svc.spec.clusterIP = prev.spec.clusterIP;
        svc.spec.clusterIPs = prev.spec.clusterIPs ?? [prev.spec.clusterIP];
      }
    },
    async afterDelete(obj) {
      await allocator.release((obj as Json).spec?.clusterIP);
    },
    async abortCreate(obj) {
      await allocator.release((obj as Json).spec?.clusterIP);
    },
  });
}
