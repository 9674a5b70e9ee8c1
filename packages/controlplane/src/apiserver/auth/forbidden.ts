import { goQuote } from './go-quote.js';
import type { RequestAttributes } from './types.js';

/** The metav1.Status JSON the apiserver answers a failed authentication or authorization with. */
export interface AuthStatusBody {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, never>;
  readonly status: 'Failure';
  readonly message: string;
  readonly reason: 'Forbidden' | 'Unauthorized';
  readonly details?: { readonly name?: string; readonly group?: string; readonly kind?: string };
  readonly code: 403 | 401;
}

/** What the user may not do, as Kubernetes says it: `User "jane" cannot list resource "pods" ...`. */
export function deniedActionMessage(attrs: RequestAttributes): string {
  const user = goQuote(attrs.user.name);
  if (!attrs.resourceRequest) return `User ${user} cannot ${attrs.verb} path ${goQuote(attrs.path)}`;
  const resource = attrs.subresource === '' ? attrs.resource : `${attrs.resource}/${attrs.subresource}`;
  const what = `User ${user} cannot ${attrs.verb} resource ${goQuote(resource)} in API group ${goQuote(attrs.apiGroup)}`;
  return attrs.namespace === ''
    ? `${what} at the cluster scope`
    : `${what} in the namespace ${goQuote(attrs.namespace)}`;
}

/**
 * The whole 403 message, prefixed the way apierrors.NewForbidden does: `pods is forbidden: ...`,
 * `deployments.apps "web" is forbidden: ...`, or `forbidden: ...` for a non-resource path. The
 * authorizer's reason, when it gave one, follows after ": ".
 */
export function forbiddenMessage(attrs: RequestAttributes, reason = ''): string {
  const cause = reason === '' ? deniedActionMessage(attrs) : `${deniedActionMessage(attrs)}: ${reason}`;
  if (!attrs.resourceRequest || attrs.resource === '') return `forbidden: ${cause}`;
  const groupResource = attrs.apiGroup === '' ? attrs.resource : `${attrs.resource}.${attrs.apiGroup}`;
  return attrs.name === ''
    ? `${groupResource} is forbidden: ${cause}`
    : `${groupResource} ${goQuote(attrs.name)} is forbidden: ${cause}`;
}

/** The 403 Status body; kubectl prints it as `Error from server (Forbidden): <message>`. */
export function forbiddenStatus(attrs: RequestAttributes, reason = ''): AuthStatusBody {
  const details: { name?: string; group?: string; kind?: string } = {};
  if (attrs.resourceRequest) {
    if (attrs.name !== '') details.name = attrs.name;
    if (attrs.apiGroup !== '') details.group = attrs.apiGroup;
    if (attrs.resource !== '') details.kind = attrs.resource;
  }
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: forbiddenMessage(attrs, reason),
    reason: 'Forbidden',
    details,
    code: 403,
  };
}

/** The 401 Status body; kubectl prints `error: You must be logged in to the server (Unauthorized)`. */
export function unauthorizedStatus(): AuthStatusBody {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Unauthorized',
    reason: 'Unauthorized',
    code: 401,
  };
}
