import type { KubeObject } from '../object.js';
import { defaultPod, defaultPodTemplate } from './pod.js';

type Json = Record<string, any>;

function defaultDeployment(d: Json): void {
  const spec = (d.spec ??= {});
  spec.replicas ??= 1;
  spec.strategy ??= {};
  spec.strategy.type ??= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultPodTemplate(spec.template);
}

function defaultReplicaSet(rs: Json): void {
  const spec = (rs.spec ??= {});
  spec.replicas ??= 1;
  defaultPodTemplate(spec.template);
}

function defaultDaemonSet(ds: Json): void {
  const spec = (ds.spec ??= {});
  spec.updateStrategy ??= {};
  spec.updateStrategy.type ??= 'RollingUpdate';
  if (spec.updateStrategy.type === 'RollingUpdate') {
    spec.updateStrategy.rollingUpdate ??= {};
    spec.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
    spec.updateStrategy.rollingUpdate.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  defaultPodTemplate(spec.template);
}

function defaultService(svc: Json): void {
  const spec = (svc.spec ??= {});
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
  }
  if (spec.type !== 'ExternalName') {
    spec.internalTrafficPolicy ??= 'Cluster';
    spec.ipFamilyPolicy ??= 'SingleStack';
    spec.ipFamilies ??= ['IPv4'];
  }
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
  svc.status ??= { loadBalancer: {} };
}

function defaultNamespace(ns: Json): void {
  ns.spec ??= {};
  ns.spec.finalizers ??= ['kubernetes'];
  ns.status ??= {};
  ns.status.phase ??= 'Active';
}

function defaultEndpoints(ep: Json): void {
  for (const subset of Array.isArray(ep.subsets) ? ep.subsets : []) {
    for (const p of Array.isArray(subset.ports) ? subset.ports : []) p.protocol ??= 'TCP';
  }
}

/** stringData is write-only: it is merged into data (base64), as Kubernetes does on every write. */
function defaultSecret(s: Json): void {
  s.type ||= 'Opaque';
  if (s.stringData && typeof s.stringData === 'object') {
    s.data ??= {};
    for (const [k, v] of Object.entries(s.stringData)) s.data[k] = Buffer.from(String(v)).toString('base64');
    delete s.stringData;
  }
}

function defaultBinding(b: Json): void {
  for (const s of Array.isArray(b.subjects) ? b.subjects : []) {
    if (s.kind === 'User' || s.kind === 'Group') s.apiGroup ??= 'rbac.authorization.k8s.io';
    if (s.kind === 'ServiceAccount') s.apiGroup ??= '';
  }
}

const DEFAULTERS: Record<string, (o: Json) => void> = {
  Pod: defaultPod,
  Deployment: defaultDeployment,
  ReplicaSet: defaultReplicaSet,
  DaemonSet: defaultDaemonSet,
  Service: defaultService,
  Namespace: defaultNamespace,
  Endpoints: defaultEndpoints,
  Secret: defaultSecret,
  Event: (e) => void (e.type ??= 'Normal'),
  RoleBinding: defaultBinding,
  ClusterRoleBinding: defaultBinding,
};

/** Fills in the fields Kubernetes defaults for this kind (in place), before validation. */
export function applyDefaults(kind: string, obj: KubeObject): void {
  DEFAULTERS[kind]?.(obj as Json);
}
