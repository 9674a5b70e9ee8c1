import { seededPicker } from '../../scheduler/random.js';
import type { FaultKind } from './history.js';

/** One fault of the plan: when (ms since the run started), what, and for a worker fault which one. */
export interface PlannedFault {
  readonly at: number;
  readonly kind: FaultKind;
  readonly worker?: string;
}

/** One scale of the workload's Deployment. */
export interface PlannedScale {
  readonly at: number;
  readonly replicas: number;
}

export interface PlanInput {
  readonly kinds: readonly FaultKind[];
  readonly durationMs: number;
  readonly intervalMs: number;
  /** How long a killed host stays down. */
  readonly downForMs: number;
  readonly workers: readonly string[];
  readonly replicas: number;
  /** Without a seed kinds and workers come round robin; with one, seeded draws (the scheduler's picker). */
  readonly seed?: number;
}

/**
 * The run's faults: one every interval, the first after one interval (the workload settles
 * first), none that would still be down at the end. Round robin over the kinds and the workers,
 * or seeded draws when a seed is given. Pure: the same input, the same plan.
 */
export function planFaults(input: PlanInput): PlannedFault[] {
  const pick = input.seed === undefined ? undefined : seededPicker(input.seed);
  const kinds = input.kinds.filter((k) => k !== 'worker' || input.workers.length > 0);
  const out: PlannedFault[] = [];
  let workerTurn = 0;
  for (let i = 0; kinds.length > 0; i++) {
    const at = input.intervalMs * (i + 1);
    if (at + input.downForMs >= input.durationMs) break;
    const kind = pick ? kinds[pick(kinds.length)] : kinds[i % kinds.length];
    if (kind !== 'worker') {
      out.push({ at, kind });
      continue;
    }
    const worker = pick ? input.workers[pick(input.workers.length)] : input.workers[workerTurn++ % input.workers.length];
    out.push({ at, kind, worker });
  }
  return out;
}

/**
 * Scales of the Deployment between the faults (half an interval after each): one replica up,
 * then back down, so the controllers have work while leaders change. The last scale returns to
 * the asked-for replicas, so the run ends where it began. Pure.
 */
export function planScales(input: PlanInput): PlannedScale[] {
  const out: PlannedScale[] = [];
  for (let i = 0; ; i++) {
    const at = input.intervalMs * (i + 1.5);
    if (at >= input.durationMs) break;
    out.push({ at, replicas: i % 2 === 0 ? input.replicas + 1 : input.replicas });
  }
  if (out.length % 2 === 1) out.pop();
  return out;
}
