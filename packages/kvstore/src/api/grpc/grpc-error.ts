import { status, type StatusObject } from '@grpc/grpc-js';
import { EtcdError } from '../../errors/index.js';

/** etcd's gRPC error for a failed call: its code and its message, as etcd's clients expect them. */
export function grpcError(err: unknown): Partial<StatusObject> {
  if (err instanceof EtcdError) return { code: err.grpcCode as number as status, details: err.message };
  return { code: status.UNKNOWN, details: (err as Error).message };
}
