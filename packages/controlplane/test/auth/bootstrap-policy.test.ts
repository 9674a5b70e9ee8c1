import { expect } from 'chai';
import {
  AnonymousUser,
  bootstrapClusterRoleBindings,
  bootstrapClusterRoles,
  evaluateRbac,
  rbacObjectsFrom,
  requestAttributes,
  serviceAccountUser,
  type RbacObjects,
  type RoleBinding,
  type UserInfo,
} from '../../src/apiserver/auth/index.js';

const authenticated = (name: string, ...groups: string[]): UserInfo => ({ name, groups: [...groups, 'system:authenticated'] });

function allowed(objects: RbacObjects, who: UserInfo, method: string, url: string): boolean {
  return evaluateRbac(requestAttributes(method, url, who), objects).allowed;
}

describe('bootstrap RBAC policy', () => {
  const clusterRoles = bootstrapClusterRoles();
  const clusterRoleBindings = bootstrapClusterRoleBindings();
  const policy = rbacObjectsFrom({ clusterRoles, clusterRoleBindings });

  it('marks every object for reconciliation and binds only roles it defines', () => {
    const names = new Set(clusterRoles.map((role) => role.metadata.name));
    for (const object of [...clusterRoles, ...clusterRoleBindings]) {
      expect(object.metadata.annotations, object.metadata.name).to.deep.equal({ 'rbac.authorization.kubernetes.io/autoupdate': 'true' });
      expect(object.metadata.labels, object.metadata.name).to.include({ 'kubernetes.io/bootstrapping': 'rbac-defaults' });
    }
    for (const binding of clusterRoleBindings) expect(names, binding.metadata.name).to.include(binding.roleRef.name);
    for (const name of ['cluster-admin', 'admin', 'edit', 'view', 'system:basic-user', 'system:discovery', 'system:public-info-viewer',
      'system:kube-scheduler', 'system:kube-controller-manager', 'system:node', 'system:node-proxier']) {
      expect(names).to.include(name);
    }
  });

  it('lets system:masters do everything, resource or not', () => {
    const admin = authenticated('kubernetes-admin', 'system:masters');
    for (const [method, url] of [
      ['DELETE', '/api/v1/namespaces/kube-system/secrets'],
      ['POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings'],
      ['PATCH', '/api/v1/nodes/n1/status'],
      ['GET', '/metrics'],
      ['POST', '/some/unknown/path'],
    ] as const) {
      expect(allowed(policy, admin, method, url), `${method} ${url}`).to.equal(true);
    }
  });

  it('lets an authenticated nobody do discovery and nothing else', () => {
    const nobody = authenticated('nobody');
    for (const url of ['/api', '/api/v1', '/apis', '/apis/apps/v1', '/version', '/healthz', '/readyz', '/openapi/v2']) {
      expect(allowed(policy, nobody, 'GET', url), url).to.equal(true);
    }
    expect(allowed(policy, nobody, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews')).to.equal(true);
    for (const [method, url] of [
      ['GET', '/api/v1/namespaces/default/pods'],
      ['GET', '/api/v1/namespaces'],
      ['POST', '/api/v1/namespaces/default/configmaps'],
      ['GET', '/metrics'],
      ['POST', '/api'],
    ] as const) {
      expect(allowed(policy, nobody, method, url), `${method} ${url}`).to.equal(false);
    }
  });

  it('lets anonymous requests read only the public information', () => {
    expect(allowed(policy, AnonymousUser, 'GET', '/version')).to.equal(true);
    expect(allowed(policy, AnonymousUser, 'GET', '/healthz')).to.equal(true);
    expect(allowed(policy, AnonymousUser, 'GET', '/api')).to.equal(false);
    expect(allowed(policy, AnonymousUser, 'GET', '/api/v1/pods')).to.equal(false);
  });

  it('gives the components what they do', () => {
    const scheduler = authenticated('system:kube-scheduler');
    expect(allowed(policy, scheduler, 'POST', '/api/v1/namespaces/default/pods/web-1/binding')).to.equal(true);
    expect(allowed(policy, scheduler, 'GET', '/api/v1/nodes?watch=true')).to.equal(true);
    expect(allowed(policy, scheduler, 'PUT', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler')).to.equal(true);
    expect(allowed(policy, scheduler, 'PUT', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager')).to.equal(false);
    expect(allowed(policy, scheduler, 'DELETE', '/api/v1/nodes/n1')).to.equal(false);

    const controllers = authenticated('system:kube-controller-manager');
    expect(allowed(policy, controllers, 'POST', '/api/v1/namespaces/default/pods')).to.equal(true);
    expect(allowed(policy, controllers, 'PUT', '/apis/apps/v1/namespaces/default/replicasets/web/status')).to.equal(true);
    expect(allowed(policy, controllers, 'DELETE', '/api/v1/namespaces/gone')).to.equal(true);
    expect(allowed(policy, controllers, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings')).to.equal(false);

    const proxy = authenticated('system:kube-proxy');
    expect(allowed(policy, proxy, 'GET', '/api/v1/services?watch=1')).to.equal(true);
    expect(allowed(policy, proxy, 'GET', '/api/v1/endpoints')).to.equal(true);
    expect(allowed(policy, proxy, 'GET', '/api/v1/secrets')).to.equal(false);

    const kubelet = authenticated('system:node:worker-1', 'system:nodes');
    expect(allowed(policy, kubelet, 'PATCH', '/api/v1/nodes/worker-1/status')).to.equal(true);
    expect(allowed(policy, kubelet, 'PUT', '/api/v1/namespaces/default/pods/web-1/status')).to.equal(true);
    expect(allowed(policy, kubelet, 'DELETE', '/api/v1/nodes/worker-2')).to.equal(false);
  });

  it('composes view into edit into admin through aggregation, within a RoleBinding namespace', () => {
    const bindIn = (name: string, roleName: string, who: string): RoleBinding => ({
      metadata: { name, namespace: 'shop' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: who }],
    });
    const objects = rbacObjectsFrom({
      clusterRoles,
      clusterRoleBindings,
      roleBindings: [bindIn('viewer', 'view', 'vera'), bindIn('editor', 'edit', 'ed'), bindIn('owner', 'admin', 'ada')],
    });
    const [vera, ed, ada] = ['vera', 'ed', 'ada'].map((name) => authenticated(name));
    expect(allowed(objects, vera!, 'GET', '/api/v1/namespaces/shop/pods/web-1/log')).to.equal(true);
    expect(allowed(objects, vera!, 'GET', '/api/v1/namespaces/shop/secrets')).to.equal(false);
    expect(allowed(objects, vera!, 'DELETE', '/api/v1/namespaces/shop/pods/web-1')).to.equal(false);
    expect(allowed(objects, ed!, 'DELETE', '/api/v1/namespaces/shop/pods/web-1')).to.equal(true);
    expect(allowed(objects, ed!, 'GET', '/api/v1/namespaces/shop/secrets')).to.equal(true);
    expect(allowed(objects, ed!, 'GET', '/apis/apps/v1/namespaces/shop/deployments')).to.equal(true);
    expect(allowed(objects, ed!, 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings')).to.equal(false);
    expect(allowed(objects, ada!, 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings')).to.equal(true);
    expect(allowed(objects, ada!, 'GET', '/apis/apps/v1/namespaces/shop/replicasets')).to.equal(true);
    expect(allowed(objects, ada!, 'GET', '/api/v1/namespaces/default/pods')).to.equal(false);
    // The account a pod runs as is no admin of its namespace unless bound.
    expect(allowed(objects, serviceAccountUser('shop', 'default'), 'GET', '/api/v1/namespaces/shop/pods')).to.equal(false);
  });
});
