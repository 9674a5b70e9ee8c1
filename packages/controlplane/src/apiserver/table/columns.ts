import type { KubeObject } from '../../api/object.js';
import { age } from './human-duration.js';

type Json = Record<string, any>;
type Cell = string | number | boolean;

/** One column of a Table, as meta.k8s.io/v1 TableColumnDefinition. */
export interface Column {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly format?: string;
  readonly description: string;
  /** 0: shown by default; 1: only with -o wide. */
  readonly priority: number;
  readonly cell: (o: Json, now: number) => Cell;
}

const NONE = '<none>';
const name: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0, cell: (o) => o.metadata.name };
const ageColumn: Column = { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0, cell: (o, now) => age(o.metadata.creationTimestamp, now) };
const col = (n: string, type: Column['type'], cell: Column['cell'], priority = 0, description = ''): Column => ({ name: n, type, description: description || n, priority, cell });

const containersOf = (spec: Json | undefined): Json[] => spec?.template?.spec?.containers ?? [];
const joinOr = (values: string[]) => (values.length ? values.join(',') : NONE);
function selectorText(selector: Json | undefined): string {
  if (!selector) return NONE;
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const op = ({ In: 'in', NotIn: 'notin' } as Record<string, string>)[e.operator];
    parts.push(op ? `${e.key} ${op} (${(e.values ?? []).join(',')})` : e.operator === 'Exists' ? e.key : `!${e.key}`);
  }
  return joinOr(parts);
}
const workloadWide = [
  col('Containers', 'string', (o) => joinOr(containersOf(o.spec).map((c) => c.name)), 1, 'Names of each container in the template.'),
  col('Images', 'string', (o) => joinOr(containersOf(o.spec).map((c) => c.image)), 1, 'Images referenced by each container in the template.'),
  col('Selector', 'string', (o) => selectorText(o.spec?.selector), 1, 'Label selector for pods.'),
];

/** The STATUS column of a pod: a container's waiting or terminated reason, Terminating, or the phase. */
function podStatus(pod: Json): string {
  let reason: string = pod.status?.reason ?? pod.status?.phase ?? 'Unknown';
  for (const cs of pod.status?.containerStatuses ?? []) {
    if (cs.state?.waiting?.reason) reason = cs.state.waiting.reason;
    else if (cs.state?.terminated?.reason) reason = cs.state.terminated.reason;
  }
  if (pod.metadata.deletionTimestamp) reason = pod.status?.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

function podReady(pod: Json): string {
  const total = (pod.spec?.containers ?? []).length;
  const ready = (pod.status?.containerStatuses ?? []).filter((c: Json) => c.ready).length;
  return `${ready}/${total}`;
}

function podRestarts(pod: Json): string {
  const n = (pod.status?.containerStatuses ?? []).reduce((sum: number, c: Json) => sum + (c.restartCount ?? 0), 0);
  return String(n);
}

function servicePorts(svc: Json): string {
  const ports: Json[] = svc.spec?.ports ?? [];
  return joinOr(ports.map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)));
}

function serviceExternalIp(svc: Json): string {
  const type = svc.spec?.type;
  if (type === 'ExternalName') return svc.spec.externalName ?? NONE;
  const ingress = (svc.status?.loadBalancer?.ingress ?? []).map((i: Json) => i.ip ?? i.hostname);
  const external: string[] = [...(svc.spec?.externalIPs ?? []), ...ingress];
  if (type === 'LoadBalancer' && external.length === 0) return '<pending>';
  return joinOr(external);
}

function nodeStatus(node: Json): string {
  const ready = (node.status?.conditions ?? []).find((c: Json) => c.type === 'Ready');
  let s = !ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : ready.status === 'False' ? 'NotReady' : 'Unknown';
  if (node.spec?.unschedulable) s += ',SchedulingDisabled';
  return s;
}

function nodeRoles(node: Json): string {
  const roles = Object.keys(node.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length))
    .filter((r) => r !== '');
  if (node.metadata.labels?.['kubernetes.io/role']) roles.push(node.metadata.labels['kubernetes.io/role']);
  return joinOr(roles.sort());
}

const address = (node: Json, type: string) => (node.status?.addresses ?? []).find((a: Json) => a.type === type)?.address ?? NONE;

function endpointsText(ep: Json): string {
  const out: string[] = [];
  for (const s of ep.subsets ?? []) {
    for (const a of s.addresses ?? []) {
      if ((s.ports ?? []).length === 0) out.push(a.ip);
      for (const p of s.ports ?? []) out.push(`${a.ip}:${p.port}`);
    }
  }
  if (out.length > 3) return `${out.slice(0, 3).join(',')} + ${out.length - 3} more...`;
  return joinOr(out);
}

const subjectsOf = (b: Json, kind: string) =>
  joinOr((b.subjects ?? []).filter((s: Json) => s.kind === kind).map((s: Json) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name)));

const createdAt = col('Created At', 'date', (o) => o.metadata.creationTimestamp ?? '', 0, 'CreationTimestamp');

/** The columns `kubectl get` shows for each kind (Kubernetes' own printers, columns and order). */
export const COLUMNS: Record<string, readonly Column[]> = {
  Pod: [
    name,
    col('Ready', 'string', podReady, 0, 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', podStatus, 0, 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'string', podRestarts, 0, 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    ageColumn,
    col('IP', 'string', (o) => o.status?.podIP ?? NONE, 1, 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.'),
    col('Node', 'string', (o) => o.spec?.nodeName || NONE, 1, 'NodeName is a request to schedule this pod onto a specific node.'),
    col('Nominated Node', 'string', (o) => o.status?.nominatedNodeName || NONE, 1, 'nominatedNodeName is set only when this pod preempts other pods on the node.'),
    col('Readiness Gates', 'string', (o) => joinOr((o.spec?.readinessGates ?? []).map((g: Json) => g.conditionType)), 1, 'If specified, all readiness gates will be evaluated for pod readiness.'),
  ],
  Deployment: [
    name,
    col('Ready', 'string', (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, 0, 'Number of the pod with ready state'),
    col('Up-to-date', 'integer', (o) => o.status?.updatedReplicas ?? 0, 0, 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    col('Available', 'integer', (o) => o.status?.availableReplicas ?? 0, 0, 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    ageColumn,
    ...workloadWide,
  ],
  ReplicaSet: [
    name,
    col('Desired', 'integer', (o) => o.spec?.replicas ?? 0, 0, 'Replicas is the number of desired replicas.'),
    col('Current', 'integer', (o) => o.status?.replicas ?? 0, 0, 'Replicas is the most recently observed number of replicas.'),
    col('Ready', 'integer', (o) => o.status?.readyReplicas ?? 0, 0, 'The number of ready replicas for this replica set.'),
    ageColumn,
    ...workloadWide,
  ],
  DaemonSet: [
    name,
    col('Desired', 'integer', (o) => o.status?.desiredNumberScheduled ?? 0, 0, 'The total number of nodes that should be running the daemon pod.'),
    col('Current', 'integer', (o) => o.status?.currentNumberScheduled ?? 0, 0, 'The number of nodes that are running at least 1 daemon pod.'),
    col('Ready', 'integer', (o) => o.status?.numberReady ?? 0, 0, 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.'),
    col('Up-to-date', 'integer', (o) => o.status?.updatedNumberScheduled ?? 0, 0, 'The total number of nodes that are running updated daemon pod'),
    col('Available', 'integer', (o) => o.status?.numberAvailable ?? 0, 0, 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.'),
    col('Node Selector', 'string', (o) => joinOr(Object.entries(o.spec?.template?.spec?.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`)), 0, 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
    ageColumn,
    ...workloadWide,
  ],
  Service: [
    name,
    col('Type', 'string', (o) => o.spec?.type ?? 'ClusterIP', 0, 'type determines how the Service is exposed.'),
    col('Cluster-IP', 'string', (o) => o.spec?.clusterIP || NONE, 0, 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    col('External-IP', 'string', serviceExternalIp, 0, 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    col('Port(s)', 'string', servicePorts, 0, 'The list of ports that are exposed by this service.'),
    ageColumn,
    col('Selector', 'string', (o) => joinOr(Object.entries(o.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`)), 1, 'Route service traffic to pods with label keys and values matching this selector.'),
  ],
  Node: [
    name,
    col('Status', 'string', nodeStatus, 0, 'The status of the node'),
    col('Roles', 'string', nodeRoles, 0, 'The roles of the node'),
    ageColumn,
    col('Version', 'string', (o) => o.status?.nodeInfo?.kubeletVersion ?? '', 0, 'Kubelet Version reported by the node.'),
    col('Internal-IP', 'string', (o) => address(o, 'InternalIP'), 1, 'List of addresses reachable to the node. Queried from cloud provider, if available.'),
    col('External-IP', 'string', (o) => address(o, 'ExternalIP'), 1, 'List of addresses reachable to the node. Queried from cloud provider, if available.'),
    col('OS-Image', 'string', (o) => o.status?.nodeInfo?.osImage || '<unknown>', 1, 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).'),
    col('Kernel-Version', 'string', (o) => o.status?.nodeInfo?.kernelVersion || '<unknown>', 1, 'Kernel Version reported by the node from uname -r.'),
    col('Container-Runtime', 'string', (o) => o.status?.nodeInfo?.containerRuntimeVersion || '<unknown>', 1, 'Container runtime version reported by the node.'),
  ],
  Namespace: [name, col('Status', 'string', (o) => o.status?.phase ?? '', 0, 'The status of the namespace'), ageColumn],
  Endpoints: [name, col('Endpoints', 'string', endpointsText, 0, 'Endpoints of the service'), ageColumn],
  ConfigMap: [name, col('Data', 'integer', (o) => Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, 0, 'Data contains the configuration data.'), ageColumn],
  Secret: [
    name,
    col('Type', 'string', (o) => o.type ?? 'Opaque', 0, 'The type of the secret'),
    col('Data', 'integer', (o) => Object.keys(o.data ?? {}).length, 0, 'The number of data entries'),
    ageColumn,
  ],
  ServiceAccount: [name, col('Secrets', 'integer', (o) => (o.secrets ?? []).length, 0, 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'), ageColumn],
  Event: [
    col('Last Seen', 'string', (o, now) => age(o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp, now), 0, 'Time when this Event was last observed'),
    col('Type', 'string', (o) => o.type ?? '', 0, 'Type of this event (Normal, Warning), new types could be added in the future'),
    col('Reason', 'string', (o) => o.reason ?? '', 0, 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
    col('Object', 'string', (o) => `${(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name ?? ''}`, 0, 'The object that this event is about.'),
    col('Message', 'string', (o) => o.message ?? '', 0, 'A human-readable description of the status of this operation.'),
    col('Subobject', 'string', (o) => o.involvedObject?.fieldPath ?? '', 1, 'The subobject this event is about.'),
    col('Source', 'string', (o) => [o.source?.component, o.source?.host].filter(Boolean).join(', '), 1, 'The component reporting this event.'),
    col('First Seen', 'string', (o, now) => age(o.firstTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp, now), 1, 'The time at which the event was first recorded.'),
    col('Count', 'integer', (o) => o.count ?? 1, 1, 'The number of times this event has occurred.'),
    { ...name, priority: 1 },
  ],
  Lease: [name, col('Holder', 'string', (o) => o.spec?.holderIdentity ?? '', 0, 'HolderIdentity contains the identity of the holder of a current lease.'), ageColumn],
  Role: [name, createdAt],
  ClusterRole: [name, createdAt],
  RoleBinding: [
    name,
    col('Role', 'string', (o) => `${o.roleRef?.kind}/${o.roleRef?.name}`, 0, 'RoleRef references a Role or ClusterRole.'),
    ageColumn,
    col('Users', 'string', (o) => subjectsOf(o, 'User'), 1, 'Users in the binding'),
    col('Groups', 'string', (o) => subjectsOf(o, 'Group'), 1, 'Groups in the binding'),
    col('ServiceAccounts', 'string', (o) => subjectsOf(o, 'ServiceAccount'), 1, 'ServiceAccounts in the binding'),
  ],
};
COLUMNS.ClusterRoleBinding = COLUMNS.RoleBinding;

/** The columns of a kind; kinds without a printer get NAME and AGE. */
export function columnsOf(kind: string): readonly Column[] {
  return COLUMNS[kind] ?? [name, ageColumn];
}

export type { Cell };
export function cellsOf(kind: string, obj: KubeObject, now: number): Cell[] {
  return columnsOf(kind).map((c) => c.cell(obj as Json, now));
}
