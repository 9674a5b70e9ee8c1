import { badRequest } from '../status-error.js';

/**
 * The opaque `continue` of a paged list: the store revision the first page was read at and
 * the key to resume after, relative to the resource prefix (as Kubernetes encodes it:
 * base64 of `{"v":"meta.k8s.io/v1","rv":N,"start":"<key>\u0000"}`).
 */
export interface ContinuePoint {
  readonly revision: number;
  /** The first key (relative to the list prefix) of the next page. */
  readonly start: string;
}

export function encodeContinue(point: ContinuePoint): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: point.revision, start: point.start })).toString('base64url');
}

export function decodeContinue(token: string): ContinuePoint {
  let parsed: { v?: unknown; rv?: unknown; start?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (parsed.v !== 'meta.k8s.io/v1') throw badRequest('continue key is not valid: server does not recognize this encoded version');
  if (typeof parsed.rv !== 'number' || typeof parsed.start !== 'string' || parsed.rv <= 0) {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (parsed.start.startsWith('/') || parsed.start.includes('..')) throw badRequest('continue key is not valid: path traversal not allowed');
  return { revision: parsed.rv, start: parsed.start };
}
