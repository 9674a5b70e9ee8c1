import { badInputCases } from './cases/bad-input.js';
import { deleteCases } from './cases/delete.js';
import { leaseCases } from './cases/lease.js';
import { maintenanceCases } from './cases/maintenance.js';
import { membershipCases } from './cases/membership.js';
import { putRangeCases } from './cases/put-range.js';
import { rangeOptionCases } from './cases/range-options.js';
import { revisionCases } from './cases/revisions.js';
import { txnCompareCases } from './cases/txn.js';
import { txnOpCases } from './cases/txn-ops.js';
import { watchCases } from './cases/watch.js';
import type { ParityCase } from './parity-case.js';

export type { ParityCase } from './parity-case.js';

/**
 * Every parity case, in the order they run. Each uses its own key prefix and reads revisions
 * relative to its own start, so they do not depend on one another, with one exception kept
 * on purpose: the watch cases after `revisionCases` run on a store that has been compacted.
 */
export const cases: readonly ParityCase[] = [
  ...putRangeCases,
  ...rangeOptionCases,
  ...deleteCases,
  ...txnCompareCases,
  ...txnOpCases,
  ...revisionCases,
  ...leaseCases,
  ...maintenanceCases,
  ...membershipCases,
  ...watchCases,
  ...badInputCases,
];
