import type { RequestAttributes, UserInfo } from './types.js';

/** A URL under /api or /apis that names no resource in a way Kubernetes can read (e.g. `/api/v1/watch`). */
export class RequestAttributesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestAttributesError';
  }
}

/** Path prefixes of the API; /api is the core group and has no group segment. */
const ApiPrefixes = new Set(['api', 'apis']);
const GrouplessApiPrefixes = new Set(['api']);
/** Verbs that stand in the path: /api/v1/watch/..., /api/v1/proxy/... */
const PathVerbs = new Set(['proxy', 'watch']);
/** After /proxy/ every segment past the name belongs to the proxied path, not a subresource. */
const PathVerbsWithoutSubresources = new Set(['proxy']);
/** /namespaces/<ns>/status and /finalize are subresources of the namespace, not resources within it. */
const NamespaceSubresources = new Set(['status', 'finalize']);

const MethodVerbs: Readonly<Record<string, string>> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? [] : trimmed.split('/');
}

function decodedPath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}

/** Kubernetes reads ?watch as true unless it is "0" or "false", so a bare `?watch` watches. */
function watchRequested(query: URLSearchParams): boolean {
  const value = query.get('watch');
  return value !== null && value !== '0' && value.toLowerCase() !== 'false';
}

/** A fieldSelector of `metadata.name=x` narrows a list or watch to one name, which RBAC resourceNames can grant. */
function nameFromFieldSelector(query: URLSearchParams): string {
  const selector = query.get('fieldSelector');
  if (!selector) return '';
  for (const term of selector.split(',')) {
    const match = /^\s*metadata\.name\s*==?\s*(.*?)\s*$/.exec(term);
    if (!match) continue;
    const name = match[1]!;
    const validSegment = name !== '' && name !== '.' && name !== '..' && !/[/%]/.test(name);
    return validSegment ? name : '';
  }
  return '';
}

/**
 * Reads a request the way Kubernetes' RequestInfoFactory does: /api/v1/namespaces/ns/pods/name/log
 * is verb get on resource pods, subresource log, in namespace ns; a GET without a name is a list,
 * or a watch with ?watch=true or the /watch/ prefix; a DELETE without a name is deletecollection.
 * Anything not under /api or /apis (or too short to name a resource) is a non-resource request
 * whose verb is the lower-case method.
 */
export function requestAttributes(method: string, url: string, user: UserInfo): RequestAttributes {
  const parsed = new URL(url, 'http://apiserver.invalid');
  const path = decodedPath(parsed.pathname);
  const attrs: RequestAttributes = {
    user,
    verb: method.toLowerCase(),
    apiGroup: '',
    apiVersion: '',
    resource: '',
    subresource: '',
    namespace: '',
    name: '',
    path,
    resourceRequest: false,
  };

  let parts = splitPath(path);
  if (parts.length < 3 || !ApiPrefixes.has(parts[0]!)) return attrs;
  const prefix = parts[0]!;
  parts = parts.slice(1);
  let apiGroup = '';
  if (!GrouplessApiPrefixes.has(prefix)) {
    if (parts.length < 3) return attrs;
    apiGroup = parts[0]!;
    parts = parts.slice(1);
  }
  const apiVersion = parts[0]!;
  parts = parts.slice(1);

  let verb: string;
  if (PathVerbs.has(parts[0]!)) {
    if (parts.length < 2) throw new RequestAttributesError(`unable to determine kind and namespace from url, ${url}`);
    verb = parts[0]!;
    parts = parts.slice(1);
  } else {
    verb = MethodVerbs[method.toUpperCase()] ?? '';
  }

  let namespace = '';
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1]!;
    // /namespaces/<ns>/<resource>/...: the resource is what follows, unless it is the namespace's own subresource.
    if (parts.length > 2 && !NamespaceSubresources.has(parts[2]!)) parts = parts.slice(2);
  }

  const resource = parts[0] ?? '';
  let name = parts[1] ?? '';
  const subresource = parts.length >= 3 && !PathVerbsWithoutSubresources.has(verb) ? parts[2]! : '';

  if (name === '' && verb === 'get') {
    verb = watchRequested(parsed.searchParams) ? 'watch' : 'list';
    name = nameFromFieldSelector(parsed.searchParams);
  }
  if (name === '' && verb === 'delete') verb = 'deletecollection';

  return { ...attrs, verb, apiGroup, apiVersion, resource, subresource, namespace, name, resourceRequest: true };
}
