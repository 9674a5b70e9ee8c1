import type { ClusterRole, ClusterRoleBinding, PolicyRule, Subject } from './types.js';
import { RbacApiGroup, RbacApiVersion } from './types.js';

/** Marks the defaults so that the apiserver may restore them at start-up (Kubernetes' reconciliation). */
export const BootstrapAnnotations: Readonly<Record<string, string>> = Object.freeze({
  'rbac.authorization.kubernetes.io/autoupdate': 'true',
});
export const BootstrapLabels: Readonly<Record<string, string>> = Object.freeze({
  'kubernetes.io/bootstrapping': 'rbac-defaults',
});

const ReadVerbs = ['get', 'list', 'watch'];
const WriteVerbs = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const AggregateToAdmin = 'rbac.authorization.k8s.io/aggregate-to-admin';
const AggregateToEdit = 'rbac.authorization.k8s.io/aggregate-to-edit';
const AggregateToView = 'rbac.authorization.k8s.io/aggregate-to-view';

function rule(verbs: readonly string[], apiGroups: readonly string[], resources: readonly string[], resourceNames?: readonly string[]): PolicyRule {
  return resourceNames ? { verbs, apiGroups, resources, resourceNames } : { verbs, apiGroups, resources };
}

function urls(verbs: readonly string[], nonResourceURLs: readonly string[]): PolicyRule {
  return { verbs, nonResourceURLs };
}

function clusterRole(name: string, rules: readonly PolicyRule[], labels: Record<string, string> = {}): ClusterRole {
  return {
    apiVersion: RbacApiVersion,
    kind: 'ClusterRole',
    metadata: { name, labels: { ...BootstrapLabels, ...labels }, annotations: { ...BootstrapAnnotations } },
    rules,
  };
}

/** A role whose rules are those of the roles carrying `label: "true"`. */
function aggregatedClusterRole(name: string, label: string, labels: Record<string, string> = {}): ClusterRole {
  return {
    ...clusterRole(name, [], labels),
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [label]: 'true' } }] },
  };
}

/** The objects leader election writes; the scheduler and controller-manager may touch only their own Lease. */
function leaderElectionRules(leaseName: string): PolicyRule[] {
  return [
    rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
    rule(['create'], ['coordination.k8s.io'], ['leases']),
    rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], [leaseName]),
  ];
}

/**
 * The default ClusterRoles: a subset of Kubernetes' bootstrap policy large enough for kubectl
 * users (cluster-admin, admin, edit, view), discovery, and our own components.
 */
export function bootstrapClusterRoles(): ClusterRole[] {
  return [
    clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
    aggregatedClusterRole('admin', AggregateToAdmin),
    aggregatedClusterRole('edit', AggregateToEdit, { [AggregateToAdmin]: 'true' }),
    aggregatedClusterRole('view', AggregateToView, { [AggregateToEdit]: 'true' }),
    clusterRole(
      'system:aggregate-to-admin',
      [
        rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
        rule([...ReadVerbs, ...WriteVerbs], ['rbac.authorization.k8s.io'], ['rolebindings', 'roles']),
      ],
      { [AggregateToAdmin]: 'true' },
    ),
    clusterRole(
      'system:aggregate-to-edit',
      [
        rule(ReadVerbs, [''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy']),
        rule(['impersonate'], [''], ['serviceaccounts']),
        rule(WriteVerbs, [''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']),
        rule(['create'], [''], ['pods/eviction', 'serviceaccounts/token']),
        rule(WriteVerbs, [''], ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'secrets', 'serviceaccounts', 'services', 'services/proxy']),
        rule(WriteVerbs, ['apps'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale']),
        rule(WriteVerbs, ['batch'], ['cronjobs', 'jobs']),
        rule(WriteVerbs, ['policy'], ['poddisruptionbudgets']),
        rule(WriteVerbs, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
        rule([...ReadVerbs, ...WriteVerbs], ['coordination.k8s.io'], ['leases']),
      ],
      { [AggregateToEdit]: 'true' },
    ),
    clusterRole(
      'system:aggregate-to-view',
      [
        rule(ReadVerbs, [''], ['configmaps', 'endpoints', 'persistentvolumeclaims', 'pods', 'replicationcontrollers', 'serviceaccounts', 'services', 'services/status']),
        rule(ReadVerbs, [''], ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas']),
        rule(ReadVerbs, [''], ['namespaces']),
        rule(ReadVerbs, ['discovery.k8s.io'], ['endpointslices']),
        rule(ReadVerbs, ['apps'], ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status']),
        rule(ReadVerbs, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
        rule(ReadVerbs, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
        rule(ReadVerbs, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
      ],
      { [AggregateToView]: 'true' },
    ),
    clusterRole('system:basic-user', [
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ]),
    clusterRole('system:discovery', [
      urls(['get'], ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/']),
    ]),
    clusterRole('system:public-info-viewer', [urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/'])]),
    clusterRole('system:monitoring', [
      urls(['get'], ['/healthz', '/healthz/*', '/livez', '/livez/*', '/metrics', '/metrics/slis', '/readyz', '/readyz/*']),
    ]),
    clusterRole('system:kube-scheduler', [
      ...leaderElectionRules('kube-scheduler'),
      rule(ReadVerbs, [''], ['nodes', 'namespaces', 'replicationcontrollers', 'services', 'persistentvolumeclaims', 'persistentvolumes']),
      rule(['delete', ...ReadVerbs], [''], ['pods']),
      rule(['create'], [''], ['bindings', 'pods/binding']),
      rule(['patch', 'update'], [''], ['pods/status']),
      rule(ReadVerbs, ['apps'], ['replicasets', 'statefulsets']),
      rule(ReadVerbs, ['policy'], ['poddisruptionbudgets']),
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    ]),
    clusterRole('system:kube-controller-manager', [
      ...leaderElectionRules('kube-controller-manager'),
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      // Kubernetes grants the controllers' own writes to one service account per controller
      // (system:controller:*, with --use-service-account-credentials). Our controller-manager runs
      // every controller as itself, so its role carries their union: the garbage collector's and
      // namespace controller's reach over every resource, and the creations the others make.
      rule(['delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], ['*'], ['*']),
      rule(['create'], [''], ['pods', 'endpoints', 'secrets', 'serviceaccounts', 'serviceaccounts/token', 'pods/eviction', 'pods/binding']),
      rule(['create'], ['apps'], ['replicasets', 'controllerrevisions']),
      rule(['create'], ['discovery.k8s.io'], ['endpointslices']),
    ]),
    clusterRole('system:node', [
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews', 'subjectaccessreviews']),
      rule(ReadVerbs, [''], ['services']),
      rule(['create', 'patch', 'update', ...ReadVerbs], [''], ['nodes']),
      rule(['patch', 'update'], [''], ['nodes/status']),
      rule(['create', 'patch', 'update'], [''], ['events']),
      rule(['create', 'delete', ...ReadVerbs], [''], ['pods']),
      rule(['patch', 'update'], [''], ['pods/status']),
      rule(['create'], [''], ['pods/eviction', 'serviceaccounts/token']),
      rule(ReadVerbs, [''], ['configmaps', 'secrets']),
      rule(['get'], [''], ['endpoints', 'persistentvolumeclaims', 'persistentvolumes']),
      rule(['create', 'delete', 'get', 'patch', 'update'], ['coordination.k8s.io'], ['leases']),
    ]),
    clusterRole('system:node-proxier', [
      rule(['list', 'watch'], [''], ['endpoints', 'services']),
      rule(ReadVerbs, [''], ['nodes']),
      rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
      rule(['list', 'watch'], ['discovery.k8s.io'], ['endpointslices']),
    ]),
  ];
}

const User = (name: string): Subject => ({ kind: 'User', apiGroup: RbacApiGroup, name });
const Group = (name: string): Subject => ({ kind: 'Group', apiGroup: RbacApiGroup, name });

function clusterRoleBinding(name: string, roleName: string, subjects: readonly Subject[]): ClusterRoleBinding {
  return {
    apiVersion: RbacApiVersion,
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { ...BootstrapLabels }, annotations: { ...BootstrapAnnotations } },
    roleRef: { apiGroup: RbacApiGroup, kind: 'ClusterRole', name: roleName },
    subjects,
  };
}

/**
 * The default ClusterRoleBindings. One differs from Kubernetes on purpose: there, system:node has
 * no subjects because the Node authorizer grants kubelets their access; we have no Node
 * authorizer yet, so system:node is bound to the group system:nodes that kubelet certificates carry.
 */
export function bootstrapClusterRoleBindings(): ClusterRoleBinding[] {
  return [
    clusterRoleBinding('cluster-admin', 'cluster-admin', [Group('system:masters')]),
    clusterRoleBinding('system:basic-user', 'system:basic-user', [Group('system:authenticated')]),
    clusterRoleBinding('system:discovery', 'system:discovery', [Group('system:authenticated')]),
    clusterRoleBinding('system:public-info-viewer', 'system:public-info-viewer', [
      Group('system:authenticated'),
      Group('system:unauthenticated'),
    ]),
    clusterRoleBinding('system:monitoring', 'system:monitoring', [Group('system:monitoring')]),
    clusterRoleBinding('system:kube-scheduler', 'system:kube-scheduler', [User('system:kube-scheduler')]),
    clusterRoleBinding('system:kube-controller-manager', 'system:kube-controller-manager', [User('system:kube-controller-manager')]),
    clusterRoleBinding('system:node', 'system:node', [Group('system:nodes')]),
    clusterRoleBinding('system:node-proxier', 'system:node-proxier', [User('system:kube-proxy')]),
  ];
}
