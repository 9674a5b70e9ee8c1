/**
 * The chaos run's verdict: every check over one recorded history. Pure: no clock, no IO, no
 * randomness; the only way time enters is the optional `shouldStop` the caller injects.
 */
import type { History } from '../history.js';
import { checkAvailability } from './availability.js';
import { collectChangeClaims } from './change-log.js';
import { checkDurability } from './durability.js';
import { checkLeases } from './lease.js';
import { checkLinearizability } from './linearizability.js';
import { checkRevisions } from './revisions.js';
import { checkSerializableReads } from './serializable-reads.js';
import { worstStatus, type Verdict } from './verdict.js';
import { checkWatches } from './watch.js';
import { WriteIndex } from './write-index.js';

export interface CheckOptions {
  /** The linearizability search's budget for each key; past it that key's answer is unknown. */
  readonly maxStepsPerKey?: number;
  /** Polled during the search; returning true ends it with unknown (the runner's wall-clock deadline). */
  readonly shouldStop?: () => boolean;
  /** How long past its deadline an expired or revoked lease's keys may linger (election, apply lag). */
  readonly leaseSlackMs?: number;
  /** The longest acceptable unavailability after a leader-losing fault; without it windows are only reported. */
  readonly maxUnavailableMs?: number;
  /** Which fault kinds cost the cluster its leader, for the availability check. */
  readonly leaderFaultKinds?: readonly string[];
  /** How many violations each check keeps in full (all are counted). */
  readonly maxViolationsPerCheck?: number;
}

export const DEFAULT_CHECK_OPTIONS = {
  maxStepsPerKey: 5_000_000,
  leaseSlackMs: 5_000,
  leaderFaultKinds: ['kill-leader'],
  maxViolationsPerCheck: 20,
} as const;

/**
 * Runs every check. Throws MalformedHistoryError when the history breaks the workload's promises
 * (a value written twice, an op id repeated): no sound verdict is possible then.
 */
export function checkHistory(history: History, options: CheckOptions = {}): Verdict {
  const max = options.maxViolationsPerCheck ?? DEFAULT_CHECK_OPTIONS.maxViolationsPerCheck;
  const writes = new WriteIndex(history);
  const claims = collectChangeClaims(history);
  const checks = {
    linearizability: checkLinearizability(history, { maxSteps: options.maxStepsPerKey ?? DEFAULT_CHECK_OPTIONS.maxStepsPerKey, shouldStop: options.shouldStop }, max),
    revisions: checkRevisions(history, claims, max),
    watch: checkWatches(history, writes, claims, max),
    lease: checkLeases(history, writes, options.leaseSlackMs ?? DEFAULT_CHECK_OPTIONS.leaseSlackMs, max),
    durability: checkDurability(history, writes, max),
    serializableReads: checkSerializableReads(history, writes, max),
    availability: checkAvailability(history, options.maxUnavailableMs, options.leaderFaultKinds ?? DEFAULT_CHECK_OPTIONS.leaderFaultKinds, max),
  };
  return { status: worstStatus(Object.values(checks).map((c) => c.status)), checks };
}
