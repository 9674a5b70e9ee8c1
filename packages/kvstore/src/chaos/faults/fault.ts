import type { LeaderMonitor } from '../leader-monitor.js';
import type { LocalCluster } from '../local-cluster.js';
import type { SeededRandom } from '../seeded-random.js';

/** Every fault the runner knows, by its --faults name. */
export const FAULT_KINDS = ['kill-leader', 'kill-random', 'pause', 'partition-leader', 'asymmetric', 'flapping', 'membership', 'restart'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults made through the members' fault switches alone, so they work on a cluster we only reach by URL (--endpoints). */
export const NETWORK_FAULTS: readonly FaultKind[] = ['partition-leader', 'asymmetric', 'flapping'];

/** A member as the faults address it: by name, client URL and peer URL (where its fault switches are). */
export interface FaultTarget {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
}

/** What a fault may use. `cluster` is absent when the run attached to a cluster it did not start. */
export interface FaultContext {
  readonly members: () => readonly FaultTarget[];
  readonly cluster: LocalCluster | undefined;
  readonly monitor: LeaderMonitor;
  /** The fault schedule's stream: targets are drawn from it by position in the member list. */
  readonly random: SeededRandom;
}

/**
 * One fault, decided: whom it hits and what it will do, before anything is done, so the runner
 * can record its start at the moment it takes effect. `heal` undoes it and resolves once the
 * cluster has the member back (restarted, continued, reconnected or re-added).
 */
export interface PlannedFault {
  readonly target: string;
  readonly detail: string;
  apply(): Promise<void>;
  /**
   * Optional: the fault is held until this resolves instead of for its scheduled time (the leader
   * faults wait for the others to elect a new leader, so each one is a failover, and no longer, so
   * a run has as many failovers as it can). It stops waiting when `signal` aborts.
   */
  holdUntil?(signal: AbortSignal): Promise<void>;
  heal(): Promise<void>;
}

export type FaultPlanner = (ctx: FaultContext) => Promise<PlannedFault>;

/** The member at `index` of the context's list, or the leader's position when asked for the leader. */
export async function leaderTarget(ctx: FaultContext): Promise<{ target: FaultTarget; id: string; index: number }> {
  const leader = await ctx.monitor.waitForLeader();
  return { target: ctx.members()[leader.index], id: leader.id, index: leader.index };
}

/** `fault` held until a member other than its target, the leader it hit, leads. */
export function untilNewLeader(ctx: FaultContext, fault: PlannedFault): PlannedFault {
  return { ...fault, holdUntil: (signal) => ctx.monitor.waitForNewLeader(fault.target, signal) };
}

/** The member IDs (as raft names them) of every member that answers, by position. */
export async function memberIds(ctx: FaultContext): Promise<(string | undefined)[]> {
  return (await ctx.monitor.statuses()).map((s) => s?.id);
}

/** The process of the member at `index`; throws for a run without process handles (the options forbid that). */
export function processOf(ctx: FaultContext, index: number) {
  if (!ctx.cluster) throw new Error('this fault needs the member processes: run without --endpoints');
  return ctx.cluster.members[index];
}
