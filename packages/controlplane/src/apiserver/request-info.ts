/**
 * What a request asks for, read from its method and path by Kubernetes' URL conventions
 * (the same reading RBAC and audit use): /api/v1/namespaces/ns/pods/name/log → verb get,
 * resource pods, subresource log, namespace ns, name name.
 */
export interface RequestInfo {
  readonly isResourceRequest: boolean;
  readonly path: string;
  /** get list watch create update patch delete deletecollection; for other paths, the lower-case HTTP method. */
  readonly verb: string;
  readonly apiGroup: string;
  readonly apiVersion: string;
  readonly namespace: string;
  readonly resource: string;
  readonly subresource: string;
  readonly name: string;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function requestInfoOf(method: string, path: string, query: URLSearchParams): RequestInfo {
  const plain = { isResourceRequest: false, path, verb: method.toLowerCase(), apiGroup: '', apiVersion: '', namespace: '', resource: '', subresource: '', name: '' };
  let parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let apiGroup = '';
  let apiVersion: string;
  if (parts[0] === 'api' && parts.length >= 3) {
    apiVersion = parts[1];
    parts = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    apiGroup = parts[1];
    apiVersion = parts[2];
    parts = parts.slice(3);
  } else {
    return plain;
  }

  let verb: string;
  switch (method) {
    case 'POST':
      verb = 'create';
      break;
    case 'GET':
    case 'HEAD':
      verb = 'get';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = 'delete';
      break;
    default:
      verb = method.toLowerCase();
  }
  // The deprecated /watch/ prefix: /api/v1/watch/namespaces/x/pods.
  if (parts[0] === 'watch' && parts.length > 1) {
    verb = 'watch';
    parts = parts.slice(1);
  }

  let namespace = '';
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1];
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2])) parts = parts.slice(2);
  }
  const [resource = '', name = '', subresource = ''] = parts;
  if (parts.length > 3) return plain;

  if (name === '' && verb === 'get') verb = 'list';
  if (name === '' && verb === 'delete') verb = 'deletecollection';
  const watchParam = query.get('watch');
  if ((verb === 'list' || verb === 'get') && (watchParam === 'true' || watchParam === '1')) verb = 'watch';

  return { isResourceRequest: true, path, verb, apiGroup, apiVersion, namespace, resource, subresource, name };
}
