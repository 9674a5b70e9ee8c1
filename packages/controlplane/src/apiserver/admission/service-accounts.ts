import type { AdmissionPlugin } from './admission.js';

type Json = Record<string, any>;

/** ServiceAccount admission: a pod without a service account runs as `default`. */
export function serviceAccountDefaulting(): AdmissionPlugin {
  return {
    name: 'ServiceAccount',
    async admit(req) {
      if (req.resource.resource !== 'pods' || req.operation !== 'CREATE' || req.subresource !== '' || !req.object) return;
      const spec = ((req.object as Json).spec ??= {});
      spec.serviceAccountName ||= spec.serviceAccount || 'default';
      spec.serviceAccount = spec.serviceAccountName;
    },
  };
}
