import { checkAcknowledgedWrites, checkBoundOnce, checkNotDuplicated, type CheckResult } from './checks.js';
import { faultRecoveries, type FaultRecovery } from './fault-recovery.js';
import type { ChaosHistory } from './history.js';

/** How long more pods than replicas may run before it counts as a duplicate. */
export const DuplicateAllowanceMs = 10_000;

export interface Verdict {
  readonly passed: boolean;
  readonly checks: readonly CheckResult[];
  readonly recoveries: readonly FaultRecovery[];
}

/** The run judged: what each fault cost, and whether every check held. Pure. */
export function judge(history: ChaosHistory, duplicateAllowanceMs = DuplicateAllowanceMs): Verdict {
  const checks = [
    checkAcknowledgedWrites(history.writes, history.finalValues, history.finalReadError),
    checkBoundOnce(history.bindings),
    checkNotDuplicated(history.observations, duplicateAllowanceMs),
  ];
  return { passed: checks.every((c) => c.passed), checks, recoveries: faultRecoveries(history) };
}
