/** The chaos run's checkers: `checkHistory` gives the verdict; the rest is for tools that want one part. */
export { checkHistory, DEFAULT_CHECK_OPTIONS, type CheckOptions } from './check-history.js';
export { unavailabilityWindows } from './availability.js';
export { leaseDeadline } from './lease.js';
export { MalformedHistoryError } from './write-index.js';
export { describeOperation } from './operation-text.js';
export type * from './verdict.js';
