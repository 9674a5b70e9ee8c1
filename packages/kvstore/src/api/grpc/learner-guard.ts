import { EtcdError } from '../../errors/index.js';
import type { Member } from '../../server/member.js';
import { JsonFields } from '../gateway/json-fields.js';

/**
 * etcd 3.4's gRPC interceptors: a learner serves only Maintenance/Status and serializable
 * KV/Range. Every other call, and every stream, fails with 'etcdserver: rpc not supported
 * for learner' (Unavailable), so clients take their calls to a voting member instead.
 * As in etcd, the check applies once the member knows itself as a learner.
 */
export function learnerRefusal(member: Member, method: string, request?: unknown): EtcdError | undefined {
  if (!member.raft.confState().learners.includes(member.id)) return undefined;
  if (method === 'Maintenance/Status') return undefined;
  if (method === 'KV/Range' && JsonFields.of(request).bool('serializable')) return undefined;
  return new EtcdError('NotSupportedForLearner');
}
