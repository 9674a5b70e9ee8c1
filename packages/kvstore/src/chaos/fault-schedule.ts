import type { FaultKind } from './faults/index.js';
import type { SeededRandom } from './seeded-random.js';

/** One fault of the schedule: when it starts (ms since the run started) and how long it holds before it is healed. */
export interface ScheduledFault {
  readonly kind: FaultKind;
  readonly at: number;
  readonly holdMs: number;
}

/** Quiet time after the last fault is healed, so the run ends with the cluster working. */
const TAIL_MS = 1000;

/**
 * The run's faults, from the seed alone: one every `intervalMs` (the first after half an interval,
 * each start jittered by up to a tenth of the interval), each held for 30–50% of the interval so
 * the cluster has the rest to recover. Kinds come round in a freshly shuffled order each round, so
 * every kind asked for is injected as often as the others. Pure: the same seed, the same schedule.
 */
export function faultSchedule(random: SeededRandom, kinds: readonly FaultKind[], durationMs: number, intervalMs: number): ScheduledFault[] {
  const out: ScheduledFault[] = [];
  if (kinds.length === 0) return out;
  let round: FaultKind[] = [];
  for (let i = 0; ; i++) {
    const at = intervalMs * (i + 0.5) + random.between(-0.1, 0.1) * intervalMs;
    const holdMs = random.between(0.3, 0.5) * intervalMs;
    if (at + holdMs + TAIL_MS > durationMs) return out;
    if (round.length === 0) round = random.shuffled(kinds);
    out.push({ kind: round.shift()!, at, holdMs });
  }
}
