import { expect } from 'chai';
import { ALL_RULES, PrivilegedGroupsAuthorizer, RbacAuthorizer, UnionAuthorizer, rbacObjectsFrom, rbacRulesFor } from '../../src/apiserver/auth/index.js';

const jane = { name: 'jane', groups: ['system:authenticated'] };
const meta = (name: string, namespace?: string) => ({ name, ...(namespace ? { namespace } : {}) });

const objects = rbacObjectsFrom({
  clusterRoles: [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: meta('urls'), rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/version'] }] },
  ],
  clusterRoleBindings: [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: meta('everyone-urls'), subjects: [{ kind: 'Group', name: 'system:authenticated' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'urls' } },
  ],
  roles: [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta('reader', 'shop'), rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }, { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'] }] },
  ],
  roleBindings: [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta('jane-reads', 'shop'), subjects: [{ kind: 'User', name: 'jane' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta('dangling', 'shop'), subjects: [{ kind: 'User', name: 'jane' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'gone' } },
  ],
} as any);

describe('the rules a user holds (SelfSubjectRulesReview)', () => {
  it('lists cluster-wide and namespace rules, split into resource and non-resource rules', () => {
    const rules = rbacRulesFor(jane, 'shop', objects);
    expect(rules.resourceRules).to.deep.equal([
      { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] },
      { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'] },
    ]);
    expect(rules.nonResourceRules).to.deep.equal([{ verbs: ['get'], nonResourceURLs: ['/healthz', '/version'] }]);
  });

  it('is incomplete, naming the missing role, when a binding points at nothing', () => {
    const rules = rbacRulesFor(jane, 'shop', objects);
    expect(rules.incomplete).to.equal(true);
    expect(rules.evaluationError).to.equal('role.rbac.authorization.k8s.io "gone" not found');
  });

  it('holds only the cluster-wide rules in another namespace', () => {
    const rules = rbacRulesFor(jane, 'other', objects);
    expect(rules.resourceRules).to.deep.equal([]);
    expect(rules.nonResourceRules).to.have.length(1);
    expect(rules.incomplete).to.equal(false);
  });

  it('gives system:masters every verb on everything ahead of RBAC', async () => {
    const union = new UnionAuthorizer([new PrivilegedGroupsAuthorizer(), new RbacAuthorizer(objects)]);
    const admin = await union.rulesFor({ name: 'admin', groups: ['system:masters'] }, 'shop');
    expect(admin.resourceRules[0]).to.deep.equal(ALL_RULES.resourceRules[0]);
    expect(admin.nonResourceRules[0]).to.deep.equal(ALL_RULES.nonResourceRules[0]);
    const plain = await union.rulesFor(jane, 'shop');
    expect(plain.resourceRules).to.have.length(2);
  });
});
