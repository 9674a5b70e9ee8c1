import { expect } from 'chai';
import { requestAttributes, RequestAttributesError, type RequestAttributes, type UserInfo } from '../../src/apiserver/auth/index.js';

const jane: UserInfo = { name: 'jane', groups: ['system:authenticated'] };

type Expected = Partial<Omit<RequestAttributes, 'user'>>;

const cases: [method: string, url: string, expected: Expected][] = [
  ['GET', '/api/v1/namespaces/default/pods/web-1', { verb: 'get', apiGroup: '', apiVersion: 'v1', resource: 'pods', namespace: 'default', name: 'web-1', subresource: '', resourceRequest: true }],
  ['GET', '/api/v1/namespaces/default/pods', { verb: 'list', resource: 'pods', namespace: 'default', name: '' }],
  ['GET', '/api/v1/pods', { verb: 'list', resource: 'pods', namespace: '' }],
  ['GET', '/api/v1/namespaces/default/pods/web-1/log?follow=true', { verb: 'get', resource: 'pods', subresource: 'log', name: 'web-1', path: '/api/v1/namespaces/default/pods/web-1/log' }],
  ['GET', '/api/v1/namespaces/default/pods?watch=true&resourceVersion=10', { verb: 'watch', resource: 'pods' }],
  ['GET', '/api/v1/namespaces/default/pods?watch=1', { verb: 'watch' }],
  ['GET', '/api/v1/namespaces/default/pods?watch=false', { verb: 'list' }],
  ['GET', '/api/v1/watch/namespaces/default/pods', { verb: 'watch', resource: 'pods', namespace: 'default', name: '' }],
  ['GET', '/api/v1/watch/namespaces/default/pods/web-1', { verb: 'watch', resource: 'pods', name: 'web-1' }],
  ['GET', '/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dweb-1', { verb: 'list', name: 'web-1' }],
  ['GET', '/api/v1/namespaces/default/pods?watch=true&fieldSelector=metadata.name%3D%3Dweb-1,status.phase%3DRunning', { verb: 'watch', name: 'web-1' }],
  ['POST', '/api/v1/namespaces/default/pods', { verb: 'create', resource: 'pods', name: '' }],
  ['PUT', '/api/v1/namespaces/default/pods/web-1/status', { verb: 'update', subresource: 'status' }],
  ['PATCH', '/apis/apps/v1/namespaces/shop/deployments/web/scale', { verb: 'patch', apiGroup: 'apps', apiVersion: 'v1', resource: 'deployments', subresource: 'scale', namespace: 'shop', name: 'web' }],
  ['DELETE', '/api/v1/namespaces/default/pods/web-1', { verb: 'delete', name: 'web-1' }],
  ['DELETE', '/api/v1/namespaces/default/pods', { verb: 'deletecollection', name: '' }],
  ['HEAD', '/api/v1/nodes/n1', { verb: 'get', resource: 'nodes', name: 'n1', namespace: '' }],
  ['GET', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler', { apiGroup: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-system', name: 'kube-scheduler' }],
  // A namespace is itself a resource; its status and finalize are its subresources.
  ['GET', '/api/v1/namespaces/shop', { verb: 'get', resource: 'namespaces', namespace: 'shop', name: 'shop' }],
  ['GET', '/api/v1/namespaces', { verb: 'list', resource: 'namespaces', namespace: '' }],
  ['PUT', '/api/v1/namespaces/shop/finalize', { verb: 'update', resource: 'namespaces', name: 'shop', subresource: 'finalize', namespace: 'shop' }],
  // After /proxy/ the rest is the proxied path, not a subresource.
  ['GET', '/api/v1/proxy/namespaces/default/pods/web-1/healthz', { verb: 'proxy', resource: 'pods', name: 'web-1', subresource: '' }],
  // Not resource requests: discovery, health, and paths too short to name a resource.
  ['GET', '/api', { verb: 'get', resourceRequest: false, path: '/api' }],
  ['GET', '/api/v1', { verb: 'get', resourceRequest: false, path: '/api/v1', resource: '' }],
  ['GET', '/apis/apps/v1', { resourceRequest: false, apiGroup: '' }],
  ['GET', '/version?timeout=32s', { verb: 'get', resourceRequest: false, path: '/version' }],
  ['POST', '/healthz', { verb: 'post', resourceRequest: false }],
  ['GET', '/openapi/v2', { resourceRequest: false }],
];

describe('request attributes from a Kubernetes API URL', () => {
  for (const [method, url, expected] of cases) {
    it(`${method} ${url}`, () => {
      const attrs = requestAttributes(method, url, jane);
      expect(attrs.user).to.equal(jane);
      expect(attrs).to.deep.include(expected);
    });
  }

  it('rejects a path verb with nothing after it', () => {
    expect(() => requestAttributes('GET', '/api/v1/watch', jane)).to.throw(RequestAttributesError, /unable to determine kind and namespace/);
  });
});
