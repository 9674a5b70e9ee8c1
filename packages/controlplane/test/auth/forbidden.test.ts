import { expect } from 'chai';
import { forbiddenMessage, forbiddenStatus, requestAttributes, unauthorizedStatus, type UserInfo } from '../../src/apiserver/auth/index.js';

const jane: UserInfo = { name: 'jane', groups: ['system:authenticated'] };
const attrs = (method: string, url: string) => requestAttributes(method, url, jane);

describe('the 403 message', () => {
  const cases: [method: string, url: string, message: string][] = [
    ['GET', '/api/v1/namespaces/default/pods', 'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"'],
    ['GET', '/api/v1/nodes', 'nodes is forbidden: User "jane" cannot list resource "nodes" in API group "" at the cluster scope'],
    ['GET', '/api/v1/namespaces/default/pods/web-1', 'pods "web-1" is forbidden: User "jane" cannot get resource "pods" in API group "" in the namespace "default"'],
    ['GET', '/api/v1/namespaces/default/pods/web-1/log', 'pods "web-1" is forbidden: User "jane" cannot get resource "pods/log" in API group "" in the namespace "default"'],
    ['PATCH', '/apis/apps/v1/namespaces/shop/deployments/web', 'deployments.apps "web" is forbidden: User "jane" cannot patch resource "deployments" in API group "apps" in the namespace "shop"'],
    ['DELETE', '/apis/apps/v1/namespaces/shop/deployments', 'deployments.apps is forbidden: User "jane" cannot deletecollection resource "deployments" in API group "apps" in the namespace "shop"'],
    ['GET', '/api/v1/watch/namespaces/shop/configmaps', 'configmaps is forbidden: User "jane" cannot watch resource "configmaps" in API group "" in the namespace "shop"'],
    ['GET', '/metrics', 'forbidden: User "jane" cannot get path "/metrics"'],
  ];
  for (const [method, url, message] of cases) {
    it(`${method} ${url}`, () => {
      expect(forbiddenMessage(attrs(method, url))).to.equal(message);
    });
  }

  it('appends the authorizer reason after a colon', () => {
    expect(forbiddenMessage(attrs('GET', '/api/v1/pods'), 'RBAC: clusterrole.rbac.authorization.k8s.io "x" not found')).to.equal(
      'pods is forbidden: User "jane" cannot list resource "pods" in API group "" at the cluster scope: RBAC: clusterrole.rbac.authorization.k8s.io "x" not found',
    );
  });

  it('comes in a Status with reason Forbidden, code 403 and the resource details', () => {
    expect(forbiddenStatus(attrs('GET', '/apis/apps/v1/namespaces/shop/deployments/web'))).to.deep.equal({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "web" is forbidden: User "jane" cannot get resource "deployments" in API group "apps" in the namespace "shop"',
      reason: 'Forbidden',
      details: { name: 'web', group: 'apps', kind: 'deployments' },
      code: 403,
    });
    expect(forbiddenStatus(attrs('GET', '/metrics')).details).to.deep.equal({});
  });

  it('has a 401 counterpart', () => {
    expect(unauthorizedStatus()).to.include({ kind: 'Status', status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  });
});
