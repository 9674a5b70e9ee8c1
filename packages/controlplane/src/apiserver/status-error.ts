import type { FieldError } from '../api/validation/field-errors.js';

/**
 * Failures as the Kubernetes API reports them: a `Status` object with a reason and an HTTP
 * code. Every layer throws a StatusError; the HTTP edge writes it once (handlers/responses.ts).
 */
export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'Forbidden'
  | 'Unauthorized'
  | 'BadRequest'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'Gone'
  | 'Expired'
  | 'Timeout'
  | 'TooManyRequests'
  | 'RequestEntityTooLarge'
  | 'InternalError'
  | 'ServiceUnavailable';

export interface StatusCause {
  readonly reason: string;
  readonly message: string;
  readonly field?: string;
}

export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
  readonly causes?: readonly StatusCause[];
  readonly retryAfterSeconds?: number;
}

/** What a resource is called in messages: `pods "x"`, `deployments.apps "x"`. */
export interface Qualified {
  readonly group: string;
  readonly resource: string;
}

const qualified = (q: Qualified) => (q.group ? `${q.resource}.${q.group}` : q.resource);

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'StatusError';
  }

  /** The `Status` object for the response body. */
  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

export function notFound(q: Qualified, name: string): StatusError {
  return new StatusError(404, 'NotFound', `${qualified(q)} "${name}" not found`, { name, group: q.group, kind: q.resource });
}

export function alreadyExists(q: Qualified, name: string): StatusError {
  return new StatusError(409, 'AlreadyExists', `${qualified(q)} "${name}" already exists`, { name, group: q.group, kind: q.resource });
}

export function conflict(q: Qualified, name: string, why: string): StatusError {
  return new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(q)} "${name}": ${why}`, { name, group: q.group, kind: q.resource });
}

/** The Conflict a stale resourceVersion gets. */
export function staleConflict(q: Qualified, name: string): StatusError {
  return conflict(q, name, 'the object has been modified; please apply your changes to the latest version and try again');
}

export function invalid(kind: string, group: string, name: string, errors: readonly FieldError[]): StatusError {
  const list = errors.map((e) => `${e.field}: ${e.detail}`);
  const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return new StatusError(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${summary}`, {
    name,
    group,
    kind,
    causes: errors.map((e) => ({ reason: e.type, message: e.detail, field: e.field })),
  });
}

export function badRequest(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}

export function methodNotAllowed(message: string): StatusError {
  return new StatusError(405, 'MethodNotAllowed', message);
}

export function forbidden(message: string, q?: Qualified, name?: string): StatusError {
  return new StatusError(403, 'Forbidden', message, q ? { name, group: q.group, kind: q.resource } : undefined);
}

export function unauthorized(): StatusError {
  return new StatusError(401, 'Unauthorized', 'Unauthorized');
}

/** 410 for a resourceVersion or continue token the cache or store no longer holds (apierrors.NewResourceExpired). */
export function expired(message: string): StatusError {
  return new StatusError(410, 'Expired', message);
}

export function internalError(message: string): StatusError {
  return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ reason: '', message }] });
}

export function timeout(message: string, retryAfterSeconds = 1): StatusError {
  return new StatusError(504, 'Timeout', message, { retryAfterSeconds });
}

export function serviceUnavailable(message: string): StatusError {
  return new StatusError(503, 'ServiceUnavailable', message);
}
