import { request } from 'undici';
import type { PlannedFault } from './fault-plan.js';
import type { FaultRecord, Observation, Role } from './history.js';
import { describeError } from './write-outcome.js';

const LeaderRoleOf: Readonly<Record<string, Role>> = { 'store-leader': 'store', 'scheduler-leader': 'scheduler', 'controller-leader': 'controller-manager' };

/** The host a planned fault kills, given who leads now; undefined when nobody is seen leading. */
export function faultTarget(fault: PlannedFault, latest: Observation | undefined): string | undefined {
  if (fault.kind === 'worker') return fault.worker;
  return latest?.leaders[LeaderRoleOf[fault.kind]];
}

/**
 * Waits (polling the observer's latest observation) until a leader-killing fault has a target,
 * so a fault planned while an election is still going on hits the next leader rather than being
 * skipped; gives up after `timeoutMs` or when `signal` aborts.
 */
export async function awaitTarget(fault: PlannedFault, latest: () => Observation | undefined, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!faultTarget(fault, latest()) && Date.now() < deadline && !signal.aborted) await new Promise((r) => setTimeout(r, 250));
}

/**
 * Kills the fault's host through the running launcher's control endpoint (POST /kill), which
 * holds it down for `downForMs` before starting it again. A fault without a target, or one the
 * launcher refuses, is recorded as skipped with the reason.
 */
export async function injectFault(controlUrl: string, fault: PlannedFault, latest: Observation | undefined, downForMs: number, now: () => number): Promise<FaultRecord> {
  const at = now();
  const target = faultTarget(fault, latest);
  const base = { kind: fault.kind, at, downForMs, target };
  if (!target) return { ...base, killedAt: at, killed: [], skipped: `no ${LeaderRoleOf[fault.kind]} leader seen` };
  try {
    const res = await request(`${controlUrl}/kill`, {
      method: 'POST',
      body: JSON.stringify({ target, downForSeconds: downForMs / 1000 }),
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const answer = (await res.body.json()) as { error?: string; killed?: { host: string; component: string; role: string }[] };
    if (answer.error) return { ...base, killedAt: now(), killed: [], skipped: `the launcher refused: ${answer.error}` };
    const killed = (answer.killed ?? []).map(({ host, component, role }) => ({ host, component, role }));
    return { ...base, killedAt: now(), killed };
  } catch (err) {
    return { ...base, killedAt: now(), killed: [], skipped: `the launcher did not answer: ${describeError(err)}` };
  }
}
