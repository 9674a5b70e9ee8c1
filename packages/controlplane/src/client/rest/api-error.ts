/** The `Status` object an apiserver answers a failure with. */
export interface KubeStatus {
  readonly kind?: 'Status';
  readonly apiVersion?: string;
  readonly status?: string;
  readonly message?: string;
  readonly reason?: string;
  readonly code?: number;
  readonly details?: { name?: string; group?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[]; retryAfterSeconds?: number };
}

/** A request the apiserver refused: carries the HTTP code and the Status it answered with. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly status: KubeStatus,
  ) {
    super(status.message || `the server answered ${code}${status.reason ? ` (${status.reason})` : ''}`);
    this.name = 'ApiError';
  }

  get reason(): string {
    return this.status.reason ?? '';
  }

  /** Builds the error from a response body: a Status when it is one, otherwise the text as message. */
  static fromResponse(code: number, text: string): ApiError {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (body && typeof body === 'object' && (body as KubeStatus).kind === 'Status') return new ApiError(code, body as KubeStatus);
    return new ApiError(code, { kind: 'Status', status: 'Failure', code, message: text.trim() || `HTTP ${code}`, reason: reasonForCode(code) });
  }
}

function reasonForCode(code: number): string {
  const reasons: Record<number, string> = { 400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 409: 'Conflict', 410: 'Gone', 422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout' };
  return reasons[code] ?? 'Unknown';
}

const hasReason = (err: unknown, reason: string) => err instanceof ApiError && err.reason === reason;

export const isNotFound = (err: unknown): boolean => err instanceof ApiError && (err.reason === 'NotFound' || (err.code === 404 && !err.reason));
export const isAlreadyExists = (err: unknown): boolean => hasReason(err, 'AlreadyExists');
/** A write lost a compare-and-swap (the object changed since it was read). */
export const isConflict = (err: unknown): boolean => hasReason(err, 'Conflict') || (err instanceof ApiError && err.code === 409 && !isAlreadyExists(err));
/** The resourceVersion asked for is compacted away: relist. */
export const isGone = (err: unknown): boolean => err instanceof ApiError && (err.code === 410 || err.reason === 'Gone' || err.reason === 'Expired');
