import { ApiError } from '../../client/index.js';
import type { WriteOutcome } from './history.js';

/**
 * What a failed request says about whether it took effect. The apiserver refusing it (4xx, and
 * 429) means nothing was written; a 5xx, a timeout or a dropped connection may come after the
 * store applied it, so its outcome is unknown.
 */
export function outcomeOfError(err: unknown): WriteOutcome {
  return err instanceof ApiError && err.code < 500 && err.code !== 408 ? 'failed' : 'unknown';
}

/** A short description of an error for the history. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return `${err.code} ${err.reason}: ${err.message}`.slice(0, 200);
  const e = err as Error & { code?: string };
  return `${e.code ?? e.name ?? 'Error'}: ${e.message}`.slice(0, 200);
}
