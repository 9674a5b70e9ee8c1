import { expect } from 'chai';
import {
  evaluateRbac,
  labelSelectorMatches,
  rbacObjectsFrom,
  RbacAuthorizer,
  serviceAccountUser,
  type ClusterRole,
  type ClusterRoleBinding,
  type LabelSelector,
  type RequestAttributes,
  type Role,
  type RoleBinding,
  type Subject,
  type UserInfo,
} from '../../src/apiserver/auth/index.js';

const user = (name: string, ...groups: string[]): UserInfo => ({ name, groups: [...groups, 'system:authenticated'] });

interface ResourceTarget {
  group?: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

function resourceRequest(who: UserInfo, verb: string, target: ResourceTarget): RequestAttributes {
  return {
    user: who,
    verb,
    apiGroup: target.group ?? '',
    apiVersion: 'v1',
    resource: target.resource,
    subresource: target.subresource ?? '',
    namespace: target.namespace ?? '',
    name: target.name ?? '',
    path: '',
    resourceRequest: true,
  };
}

function pathRequest(who: UserInfo, verb: string, path: string): RequestAttributes {
  return { user: who, verb, apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '', path, resourceRequest: false };
}

const clusterRole = (name: string, rules: ClusterRole['rules'], labels?: Record<string, string>): ClusterRole => ({
  metadata: { name, ...(labels ? { labels } : {}) },
  rules,
});
const role = (namespace: string, name: string, rules: Role['rules']): Role => ({ metadata: { name, namespace }, rules });
const User = (name: string): Subject => ({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name });
const Group = (name: string): Subject => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name });
const ServiceAccount = (name: string, namespace?: string): Subject => ({ kind: 'ServiceAccount', name, ...(namespace ? { namespace } : {}) });
const clusterBinding = (name: string, roleName: string, ...subjects: Subject[]): ClusterRoleBinding => ({
  metadata: { name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
  subjects,
});
const binding = (namespace: string, name: string, roleRef: RoleBinding['roleRef'], ...subjects: Subject[]): RoleBinding => ({
  metadata: { name, namespace },
  roleRef,
  subjects,
});
const toRole = (name: string): RoleBinding['roleRef'] => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name });
const toClusterRole = (name: string): RoleBinding['roleRef'] => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name });

const policy = rbacObjectsFrom({
  clusterRoles: [
    clusterRole('pod-reader', [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] }]),
    clusterRole('log-reader', [{ verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }]),
    clusterRole('status-reader', [{ verbs: ['get'], apiGroups: ['*'], resources: ['*/status'] }]),
    clusterRole('one-secret', [{ verbs: ['get', 'update'], apiGroups: [''], resources: ['secrets'], resourceNames: ['db-password'] }]),
    clusterRole('metrics-reader', [{ verbs: ['get'], nonResourceURLs: ['/metrics', '/logs/*'] }]),
    clusterRole('deployer', [{ verbs: ['*'], apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'] }]),
    clusterRole('monitoring', [{ verbs: ['delete'], apiGroups: ['*'], resources: ['*'] }]),
    clusterRole('monitoring-pods', [{ verbs: ['list'], apiGroups: [''], resources: ['pods'] }], { 'example.com/aggregate-to-monitoring': 'true' }),
    clusterRole('monitoring-nodes', [{ verbs: ['list'], apiGroups: [''], resources: ['nodes'] }], { 'example.com/monitoring-tier': 'infra' }),
    clusterRole('unrelated', [{ verbs: ['list'], apiGroups: [''], resources: ['secrets'] }], { 'example.com/aggregate-to-monitoring': 'false' }),
  ].map((r) =>
    r.metadata.name === 'monitoring'
      ? {
          ...r,
          aggregationRule: {
            clusterRoleSelectors: [
              { matchLabels: { 'example.com/aggregate-to-monitoring': 'true' } },
              { matchExpressions: [{ key: 'example.com/monitoring-tier', operator: 'In' as const, values: ['infra', 'platform'] }] },
            ],
          },
        }
      : r,
  ),
  roles: [
    role('dev', 'configmap-editor', [{ verbs: ['create', 'update'], apiGroups: [''], resources: ['configmaps'] }]),
    // A Role may share a ClusterRole's name; the roleRef's kind says which is meant.
    role('dev', 'pod-reader', [{ verbs: ['delete'], apiGroups: [''], resources: ['pods'] }]),
  ],
  clusterRoleBindings: [
    clusterBinding('alice-reads-pods', 'pod-reader', User('alice')),
    clusterBinding('carol-narrow', 'log-reader', User('carol')),
    clusterBinding('carol-status', 'status-reader', User('carol')),
    clusterBinding('carol-secret', 'one-secret', User('carol')),
    clusterBinding('carol-metrics', 'metrics-reader', User('carol')),
    clusterBinding('ci-deployer', 'deployer', ServiceAccount('deployer', 'ci')),
    // A ServiceAccount subject in a ClusterRoleBinding needs its namespace; without one it matches no one.
    clusterBinding('ghost', 'pod-reader', ServiceAccount('ghost')),
    clusterBinding('dave-monitors', 'monitoring', User('dave')),
    clusterBinding('dangling', 'no-such-role', User('frank')),
  ],
  roleBindings: [
    binding('dev', 'bob-reads-pods', toClusterRole('pod-reader'), User('bob')),
    binding('dev', 'devs-edit-configmaps', toRole('configmap-editor'), Group('developers')),
    binding('dev', 'builder-edits-configmaps', toRole('configmap-editor'), ServiceAccount('builder')),
    binding('dev', 'erin-deletes-pods', toRole('pod-reader'), User('erin')),
    binding('qa', 'dangling', toRole('missing'), User('frank')),
  ],
});

interface Case {
  readonly it: string;
  readonly attrs: RequestAttributes;
  readonly allowed: boolean;
  readonly reason?: string;
}

const alice = user('alice');
const bob = user('bob');
const carol = user('carol');
const dave = user('dave');
const erin = user('erin');
const frank = user('frank');
const gina = user('gina', 'developers');

const cases: Case[] = [
  // ClusterRoleBinding vs RoleBinding scope
  { it: 'a ClusterRoleBinding grants in every namespace', attrs: resourceRequest(alice, 'list', { resource: 'pods', namespace: 'prod' }), allowed: true },
  { it: 'a ClusterRoleBinding grants cluster-wide lists', attrs: resourceRequest(alice, 'list', { resource: 'pods' }), allowed: true },
  { it: 'verbs outside the rule are denied', attrs: resourceRequest(alice, 'delete', { resource: 'pods', namespace: 'prod', name: 'p' }), allowed: false },
  { it: 'another API group is denied', attrs: resourceRequest(alice, 'list', { group: 'apps', resource: 'pods', namespace: 'prod' }), allowed: false },
  { it: 'a RoleBinding to a ClusterRole grants in its namespace', attrs: resourceRequest(bob, 'get', { resource: 'pods', namespace: 'dev', name: 'p' }), allowed: true },
  { it: 'a RoleBinding to a ClusterRole grants nothing elsewhere', attrs: resourceRequest(bob, 'get', { resource: 'pods', namespace: 'prod', name: 'p' }), allowed: false },
  { it: 'a RoleBinding grants nothing cluster-wide', attrs: resourceRequest(bob, 'list', { resource: 'pods' }), allowed: false },
  { it: 'a RoleBinding to a Role grants through a group', attrs: resourceRequest(gina, 'create', { resource: 'configmaps', namespace: 'dev' }), allowed: true },
  { it: "a Role's rules do not reach past its namespace", attrs: resourceRequest(gina, 'create', { resource: 'configmaps', namespace: 'qa' }), allowed: false },
  { it: 'roleRef kind Role picks the Role, not the ClusterRole of that name', attrs: resourceRequest(erin, 'delete', { resource: 'pods', namespace: 'dev', name: 'p' }), allowed: true },
  { it: '... and only the Role', attrs: resourceRequest(erin, 'get', { resource: 'pods', namespace: 'dev', name: 'p' }), allowed: false },
  // subresources
  { it: 'pods/log is granted by a rule naming pods/log', attrs: resourceRequest(carol, 'get', { resource: 'pods', subresource: 'log', namespace: 'dev', name: 'p' }), allowed: true },
  { it: 'granting pods/log does not grant pods', attrs: resourceRequest(carol, 'get', { resource: 'pods', namespace: 'dev', name: 'p' }), allowed: false },
  { it: 'granting pods does not grant pods/log', attrs: resourceRequest(alice, 'get', { resource: 'pods', subresource: 'log', namespace: 'dev', name: 'p' }), allowed: false },
  { it: '*/status grants the status of any resource', attrs: resourceRequest(carol, 'get', { group: 'apps', resource: 'deployments', subresource: 'status', namespace: 'dev', name: 'd' }), allowed: true },
  { it: '*/status does not grant another subresource', attrs: resourceRequest(carol, 'get', { group: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'dev', name: 'd' }), allowed: false },
  // resourceNames
  { it: 'resourceNames grant the named object', attrs: resourceRequest(carol, 'get', { resource: 'secrets', namespace: 'dev', name: 'db-password' }), allowed: true },
  { it: 'resourceNames do not grant another object', attrs: resourceRequest(carol, 'get', { resource: 'secrets', namespace: 'dev', name: 'api-key' }), allowed: false },
  { it: 'resourceNames never grant a list (it has no name)', attrs: resourceRequest(carol, 'list', { resource: 'secrets', namespace: 'dev' }), allowed: false },
  // non-resource URLs
  { it: 'a non-resource URL is granted exactly', attrs: pathRequest(carol, 'get', '/metrics'), allowed: true },
  { it: 'a trailing * grants the prefix', attrs: pathRequest(carol, 'get', '/logs/kube-apiserver.log'), allowed: true },
  { it: 'an exact URL does not grant longer paths', attrs: pathRequest(carol, 'get', '/metrics/slis'), allowed: false },
  { it: 'non-resource verbs are the HTTP method', attrs: pathRequest(carol, 'post', '/metrics'), allowed: false },
  { it: 'resource rules do not grant non-resource URLs', attrs: pathRequest(alice, 'get', '/api/v1/pods'), allowed: false },
  // service accounts
  { it: 'a ServiceAccount subject matches system:serviceaccount:<ns>:<name>', attrs: resourceRequest(serviceAccountUser('ci', 'deployer'), 'patch', { group: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'web', name: 'd' }), allowed: true },
  { it: "a ServiceAccount of the same name in another namespace does not match", attrs: resourceRequest(serviceAccountUser('dev', 'deployer'), 'patch', { group: 'apps', resource: 'deployments', namespace: 'web', name: 'd' }), allowed: false },
  { it: "a RoleBinding's ServiceAccount subject defaults to the binding's namespace", attrs: resourceRequest(serviceAccountUser('dev', 'builder'), 'update', { resource: 'configmaps', namespace: 'dev', name: 'c' }), allowed: true },
  { it: "a ClusterRoleBinding's ServiceAccount subject without a namespace matches no one", attrs: resourceRequest(serviceAccountUser('default', 'ghost'), 'list', { resource: 'pods', namespace: 'default' }), allowed: false },
  // aggregated ClusterRoles
  { it: 'an aggregated role grants the rules of roles matching its matchLabels', attrs: resourceRequest(dave, 'list', { resource: 'pods', namespace: 'dev' }), allowed: true },
  { it: 'an aggregated role grants the rules of roles matching its matchExpressions', attrs: resourceRequest(dave, 'list', { resource: 'nodes' }), allowed: true },
  { it: "an aggregated role's own rules are replaced by the aggregation", attrs: resourceRequest(dave, 'delete', { resource: 'pods', namespace: 'dev', name: 'p' }), allowed: false },
  { it: 'an aggregated role leaves out roles whose labels do not match', attrs: resourceRequest(dave, 'list', { resource: 'secrets', namespace: 'dev' }), allowed: false },
  // missing roles
  {
    it: 'a binding to a missing ClusterRole denies and says so',
    attrs: resourceRequest(frank, 'get', { resource: 'pods', namespace: 'dev', name: 'p' }),
    allowed: false,
    reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "no-such-role" not found',
  },
  {
    it: 'several missing roles are listed together',
    attrs: resourceRequest(frank, 'get', { resource: 'pods', namespace: 'qa', name: 'p' }),
    allowed: false,
    reason: 'RBAC: [clusterrole.rbac.authorization.k8s.io "no-such-role" not found, role.rbac.authorization.k8s.io "missing" not found]',
  },
  { it: 'a user with no bindings is denied with no reason', attrs: resourceRequest(user('nobody'), 'get', { resource: 'pods', namespace: 'dev', name: 'p' }), allowed: false, reason: '' },
];

describe('label selectors (aggregationRule.clusterRoleSelectors)', () => {
  const labels = { tier: 'web', team: 'shop' };
  const cases: [selector: LabelSelector, matches: boolean][] = [
    [{}, true],
    [{ matchLabels: { tier: 'web' } }, true],
    [{ matchLabels: { tier: 'web', team: 'ops' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'db'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] }, false],
    [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, true],
    [{ matchExpressions: [{ key: 'team', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] }, false],
    [{ matchLabels: { tier: 'web' }, matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, false],
  ];
  for (const [selector, matches] of cases) {
    it(`${JSON.stringify(selector)} ${matches ? 'matches' : 'does not match'}`, () => {
      expect(labelSelectorMatches(selector, labels)).to.equal(matches);
    });
  }
});

describe('RBAC authorizer', () => {
  for (const c of cases) {
    it(`${c.allowed ? 'allows' : 'denies'}: ${c.it}`, () => {
      const decision = evaluateRbac(c.attrs, policy);
      expect(decision.allowed, decision.reason).to.equal(c.allowed);
      if (c.reason !== undefined) expect(decision.reason).to.equal(c.reason);
    });
  }

  it('names the binding, role and subject that allowed a request', async () => {
    const decision = await new RbacAuthorizer(policy).authorize(
      resourceRequest(serviceAccountUser('dev', 'builder'), 'create', { resource: 'configmaps', namespace: 'dev' }),
    );
    expect(decision).to.deep.equal({
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "builder-edits-configmaps/dev" of Role "configmap-editor" to ServiceAccount "builder/dev"',
    });
  });

  it('resolves aggregation through several levels and survives a selector cycle', () => {
    const loop = rbacObjectsFrom({
      clusterRoles: [
        { metadata: { name: 'a', labels: { tier: 'b' } }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { tier: 'a' } }] } },
        { metadata: { name: 'b', labels: { tier: 'a' } }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { tier: 'b' } }] } },
        { metadata: { name: 'leaf', labels: { tier: 'a' } }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }] },
      ],
      clusterRoleBindings: [clusterBinding('x', 'a', User('zed'))],
    });
    expect(evaluateRbac(resourceRequest(user('zed'), 'get', { resource: 'configmaps', namespace: 'n', name: 'c' }), loop).allowed).to.equal(true);
  });
});
