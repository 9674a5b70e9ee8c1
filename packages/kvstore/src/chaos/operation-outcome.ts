import { GatewayError, errorMessage } from '../bench/gateway-client.js';
import type { Outcome } from './history.js';

/**
 * gRPC codes with which etcd refuses a request before it can take effect: a bad request
 * (InvalidArgument), a missing lease or member (NotFound), a precondition (FailedPrecondition),
 * a revision out of range (OutOfRange), and ResourceExhausted (a proposal raft dropped, or a write
 * refused at apply for lack of space: it is in the log but changes nothing).
 */
const REFUSED_CODES = new Set([3, 5, 8, 9, 11]);

/**
 * What a failed request proves. `failed` only when the operation surely did not take effect:
 * the server refused it with one of the codes above, or no connection could be opened at all
 * (ECONNREFUSED: not a byte of the request left this process). Everything else is `unknown`:
 * a timeout, a connection lost after the request was written, "leader changed", "request timed
 * out", "no leader" — the write may have been committed, or may still be.
 */
export function outcomeOfError(err: unknown): Outcome {
  const error = errorMessage(err);
  if (err instanceof GatewayError && err.code !== undefined && REFUSED_CODES.has(err.code)) return { status: 'failed', error };
  if (connectionRefused(err)) return { status: 'failed', error };
  return { status: 'unknown', error };
}

function connectionRefused(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: string }).code === 'ECONNREFUSED') return true;
  }
  return false;
}
