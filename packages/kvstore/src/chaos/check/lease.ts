/**
 * The lease check: a key whose final value was put with a lease that was revoked, or abandoned long
 * enough ago to have expired, should not be there. (A key re-put later without that lease holds a
 * value of another write, so it is not this lease's key any more: unique values tell them apart.)
 */
import type { FaultRecord, History, LeaseRecord } from '../history.js';
import { describeOperation } from './operation-text.js';
import { resultOf, type CheckResult, type Violation } from './verdict.js';
import type { WriteIndex } from './write-index.js';

/**
 * When the lease must have been gone by, or null while kept alive. A revoke is immediate; an
 * abandoned lease expires a TTL after its last keep-alive, but a new leader restarts every lease's
 * TTL when it takes over (etcd's lessor Promote), so each fault before the expiry pushes it to a
 * TTL after the fault ends. `slackMs` covers what the records cannot say: the election itself, the
 * expiry's trip through Raft, a keep-alive in flight when the workload let go.
 */
export function leaseDeadline(lease: LeaseRecord, faults: readonly FaultRecord[], slackMs: number): number | null {
  if (lease.abandonedAt === undefined) return null;
  if (lease.revoked) return lease.abandonedAt + slackMs;
  const ttlMs = lease.ttlSeconds * 1000;
  let deadline = lease.abandonedAt + ttlMs;
  for (const f of [...faults].sort((a, b) => a.startedAt - b.startedAt)) {
    if (f.startedAt < deadline) deadline = Math.max(deadline, (f.endedAt ?? f.startedAt) + ttlMs);
  }
  return deadline + slackMs;
}

export function checkLeases(history: History, writes: WriteIndex, slackMs: number, maxViolations: number): CheckResult<{ readonly expiredLeases: number }> {
  const expired = new Map<string, { lease: LeaseRecord; deadline: number }>();
  for (const lease of history.leases) {
    const deadline = leaseDeadline(lease, history.faults, slackMs);
    if (deadline !== null && deadline < history.endedAt) expired.set(lease.id, { lease, deadline });
  }
  const violations: Violation[] = [];
  for (const [key, kv] of Object.entries(history.finalState)) {
    const writer = writes.writerOf(kv.value);
    const leaseId = writer?.op.type === 'put' ? writer.op.lease : undefined;
    const gone = leaseId === undefined ? undefined : expired.get(leaseId);
    if (!writer || !gone) continue;
    const how = gone.lease.revoked ? 'revoked' : `abandoned at ${Math.round(gone.lease.abandonedAt ?? 0)} ms with TTL ${gone.lease.ttlSeconds} s`;
    violations.push({
      kind: 'expired-lease-key',
      key,
      operations: [writer.id],
      message: `key ${JSON.stringify(key)} still holds ${JSON.stringify(kv.value)} from ${describeOperation(writer)}, but lease ${leaseId} was ${how} and should have been gone by ${Math.round(gone.deadline)} ms (run ended at ${Math.round(history.endedAt)} ms)`,
    });
  }
  const summary = `${expired.size} expired or revoked lease(s): their keys are gone`;
  return resultOf('lease', violations, maxViolations, summary, { expiredLeases: expired.size });
}
