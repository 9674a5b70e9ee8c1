/**
 * The revision check: what the responses' revisions say, beyond values. Claims that contradict each
 * other (see change-log.ts), a linearizable op answered with an older store revision than one that
 * had already returned before it was invoked (the store's revision never goes back, and a
 * linearizable op sees at least everything acknowledged before it started), and a get whose
 * value's mod revision is above the revision it read at.
 */
import type { History, HistoryOperation } from '../history.js';
import { findChangeConflicts, type ChangeClaim } from './change-log.js';
import { describeOperation } from './operation-text.js';
import { resultOf, type CheckResult, type Violation } from './verdict.js';

const claimOperation = (c: ChangeClaim) => (c.source.kind === 'write' || c.source.kind === 'read' ? [c.source.operation] : []);

function linearizableRevision(op: HistoryOperation): number | undefined {
  if (op.outcome.status !== 'ok') return undefined;
  if (op.op.type === 'get' && op.op.serializable) return undefined;
  return op.outcome.result.revision;
}

/** Linearizable ops whose response revision is below that of an op that returned before they were invoked. */
function revisionsGoingBack(history: History): Violation[] {
  const ops = history.operations.filter((op) => linearizableRevision(op) !== undefined);
  const byReturn = [...ops].sort((a, b) => a.returnedAt - b.returnedAt);
  const byCall = [...ops].sort((a, b) => a.invokedAt - b.invokedAt);
  const violations: Violation[] = [];
  let highest: HistoryOperation | undefined;
  let next = 0;
  for (const op of byCall) {
    for (; next < byReturn.length && byReturn[next].returnedAt < op.invokedAt; next++) {
      const done = byReturn[next];
      if (!highest || (linearizableRevision(done) ?? 0) > (linearizableRevision(highest) ?? 0)) highest = done;
    }
    const revision = linearizableRevision(op) ?? 0;
    const before = highest ? linearizableRevision(highest) ?? 0 : 0;
    if (highest && revision < before) {
      violations.push({
        kind: 'revision-went-back',
        key: op.op.key,
        revision,
        operations: [highest.id, op.id],
        message: `${describeOperation(op)} saw revision ${revision}, but ${describeOperation(highest)} had returned revision ${before} before it was invoked`,
      });
    }
  }
  return violations;
}

function readsAheadOfTheirRevision(history: History): Violation[] {
  const violations: Violation[] = [];
  for (const op of history.operations) {
    if (op.outcome.status !== 'ok' || op.outcome.result.type !== 'get') continue;
    const r = op.outcome.result;
    if (r.value !== null && (r.modRevision < 1 || r.modRevision > r.revision)) {
      violations.push({ kind: 'bad-mod-revision', key: op.op.key, operations: [op.id], message: `${describeOperation(op)} returned a mod revision outside 1..${r.revision}` });
    }
  }
  return violations;
}

/** `claims` from collectChangeClaims; conflicts between watchers alone are the watch check's. */
export function checkRevisions(history: History, claims: readonly ChangeClaim[], maxViolations: number): CheckResult<{ readonly claims: number }> {
  const conflicts = findChangeConflicts(claims)
    .filter((c) => c.first.source.kind !== 'watch' || c.second.source.kind !== 'watch')
    .map(
      (c): Violation => ({
        kind: 'conflicting-revisions',
        key: c.second.key,
        revision: c.second.revision,
        operations: [...claimOperation(c.first), ...claimOperation(c.second)],
        message: c.message,
      }),
    );
  const violations = [...conflicts, ...revisionsGoingBack(history), ...readsAheadOfTheirRevision(history)];
  return resultOf('revisions', violations, maxViolations, `${claims.length} revision claims agree`, { claims: claims.length });
}
