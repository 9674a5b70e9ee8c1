/**
 * What the checkers answer: one result per check, each `ok`, `violation` or `unknown` (the check
 * ran out of budget or had too little to go on), with the violations that explain it. Everything
 * here is plain JSON (no Infinity, no Map) so the runner can write it as it is.
 */

export type CheckStatus = 'ok' | 'violation' | 'unknown';

export type CheckName = 'linearizability' | 'revisions' | 'watch' | 'lease' | 'durability' | 'serializable-reads' | 'availability';

/** One thing a correct store would never have done, with what shows it. */
export interface Violation {
  /** A short stable name for the kind of violation, e.g. `not-linearizable`, `watch-gap`. */
  readonly kind: string;
  readonly message: string;
  readonly key?: string;
  readonly revision?: number;
  readonly watcher?: number;
  /** The ids of the operations involved. */
  readonly operations?: readonly number[];
  /** For `not-linearizable`: Porcupine's partial linearization, read as described in README.md. */
  readonly explanation?: LinearizabilityExplanation;
}

/** Why a key's sub-history has no linearization: how far the search got and what stopped it there. */
export interface LinearizabilityExplanation {
  /** The ops of the key considered (failed ops, unknown gets and serializable gets are left out). */
  readonly operationCount: number;
  /** The longest linearizable prefix found, as op ids in linearization order. */
  readonly longestPrefix: readonly number[];
  /** The register after that prefix (null: the key is absent). */
  readonly valueAfterPrefix: string | null;
  /** The op with the earliest return among those not in the prefix: it had to take effect next or before. */
  readonly mustTakeEffect: number;
  /** Every op that could have come next (invoked before `mustTakeEffect` returned), and why it did not fit. */
  readonly candidates: readonly { readonly operation: number; readonly text: string; readonly reason: string }[];
  /** The last few ops of the prefix, described, so a reader sees the state being built. */
  readonly prefixTail: readonly string[];
}

export interface CheckResult<D = undefined> {
  readonly check: CheckName;
  readonly status: CheckStatus;
  /** One line for the runner's table. */
  readonly summary: string;
  /** The first violations found (at most the `maxViolationsPerCheck` option). */
  readonly violations: readonly Violation[];
  /** How many violations there were in all. */
  readonly violationCount: number;
  readonly details: D;
}

export interface LinearizabilityDetails {
  readonly keys: number;
  readonly operations: number;
  /** Search steps over all keys (model steps tried plus backtracks). */
  readonly steps: number;
  /** Distinct (linearized set, register) states memoised over all keys. */
  readonly states: number;
  /** Keys whose search ran out of budget: their verdict is unknown. */
  readonly unknownKeys: readonly string[];
}

export interface UnavailabilityWindow {
  readonly fault: { readonly kind: string; readonly target: string; readonly startedAt: number; readonly endedAt?: number };
  /** When the first write invoked after the fault returned ok; null if none did before the end. */
  readonly recoveredAt: number | null;
  /** That write's op id. */
  readonly recoveredBy: number | null;
  /** From the fault to `recoveredAt` (or to the run's end when nothing recovered). */
  readonly unavailableMs: number;
  /** The longest stretch after the fault (up to the next one) in which no linearizable op returned ok. */
  readonly longestGapMs: number;
}

export interface AvailabilityDetails {
  readonly windows: readonly UnavailabilityWindow[];
  readonly limitMs: number | null;
}

export interface VerdictChecks {
  readonly linearizability: CheckResult<LinearizabilityDetails>;
  readonly revisions: CheckResult<{ readonly claims: number }>;
  readonly watch: CheckResult<{ readonly watchers: number; readonly events: number }>;
  readonly lease: CheckResult<{ readonly expiredLeases: number }>;
  readonly durability: CheckResult<{ readonly keys: number }>;
  readonly serializableReads: CheckResult<{ readonly reads: number }>;
  readonly availability: CheckResult<AvailabilityDetails>;
}

export interface Verdict {
  /** `violation` if any check found one; else `unknown` if any check could not decide; else `ok`. */
  readonly status: CheckStatus;
  readonly checks: VerdictChecks;
}

/** The worst of several statuses: a violation outweighs unknown, which outweighs ok. */
export function worstStatus(statuses: Iterable<CheckStatus>): CheckStatus {
  let worst: CheckStatus = 'ok';
  for (const s of statuses) {
    if (s === 'violation') return s;
    if (s === 'unknown') worst = s;
  }
  return worst;
}

/**
 * Builds a result from the violations a check collected: `violation` when there are any, else the
 * given fallback (`ok`, or `unknown` when the check could not decide everything).
 */
export function resultOf<D>(
  check: CheckName,
  violations: readonly Violation[],
  maxViolations: number,
  summaryWhenClean: string,
  details: D,
  statusWhenClean: CheckStatus = 'ok',
): CheckResult<D> {
  const status = violations.length > 0 ? 'violation' : statusWhenClean;
  const summary = violations.length > 0 ? `${violations.length} violation${violations.length === 1 ? '' : 's'}: ${violations[0].message}` : summaryWhenClean;
  return { check, status, summary, violations: violations.slice(0, maxViolations), violationCount: violations.length, details };
}
