import type { ScheduledFault } from './fault-schedule.js';
import { FAULT_PLANNERS, type FaultContext } from './faults/index.js';
import type { HistoryRecorder } from './history-recorder.js';
import { sleep } from './kv-workload.js';
import { setNetworkFaults } from './member-api.js';

/** A scheduled fault that was not injected, and why (e.g. no leader to kill at that moment). */
export interface SkippedFault {
  readonly kind: string;
  readonly at: number;
  readonly reason: string;
}

/**
 * Injects the scheduled faults one at a time: each is planned (its target chosen), recorded as it
 * takes effect, held, then healed before the next. A fault starts at its scheduled time or, if the
 * previous one took longer to heal, right after. When `signal` aborts, the fault being held is
 * healed at once and no more start.
 */
export async function injectFaults(
  schedule: readonly ScheduledFault[],
  /** The recorder time the schedule's times count from. */
  startAt: number,
  ctx: FaultContext,
  recorder: HistoryRecorder,
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<SkippedFault[]> {
  const skipped: SkippedFault[] = [];
  for (const f of schedule) {
    await sleep(startAt + f.at - recorder.now(), signal);
    if (signal.aborted) break;
    let plan;
    try {
      plan = await FAULT_PLANNERS[f.kind](ctx);
    } catch (err) {
      skipped.push({ kind: f.kind, at: recorder.now(), reason: (err as Error).message });
      log(`fault ${f.kind} skipped: ${(err as Error).message}`);
      continue;
    }
    const record = recorder.fault(f.kind, plan.target, plan.detail);
    log(`fault ${f.kind}: ${plan.detail}`);
    try {
      await plan.apply();
      await (plan.holdUntil ? plan.holdUntil(signal) : sleep(f.holdMs, signal));
    } catch (err) {
      log(`fault ${f.kind} on ${plan.target} did not fully apply or hold: ${(err as Error).message}`);
    } finally {
      try {
        await plan.heal();
      } catch (err) {
        log(`healing ${f.kind} on ${plan.target} failed: ${(err as Error).message}`);
      }
      record.end();
    }
  }
  return skipped;
}

/**
 * The safety net at the end of a run: every member process running and continued, every
 * member's network faults cleared, and every member healthy again.
 */
export async function healEverything(ctx: FaultContext): Promise<void> {
  for (const m of ctx.cluster?.members ?? []) {
    m.resume();
    ctx.cluster!.restart(m);
  }
  await Promise.all(ctx.members().map((m) => setNetworkFaults(m.peerUrl, { heal: true }).catch(() => undefined)));
  await ctx.cluster?.waitHealthy();
}
