/**
 * FitError: no node fits the pod. Its message is the FailedScheduling event's, word for word as
 * kube-scheduler 1.26 and later prints it with the default preemption plugin on, e.g.
 *
 *   0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..
 *
 * Reasons are counted over nodes, written "<count> <reason>", sorted as Go's sort.Strings sorts
 * them (by code unit, so "10 x" before "2 y") and joined with ", ". The preemption part is exact
 * for a cluster without PriorityClasses: every pod has priority 0, so no node has lower-priority
 * victims; nodes that failed for a reason preemption cannot fix are "not helpful". The doubled
 * final dot is Kubernetes' own (its FitError appends "." after the preemption message's ".").
 */
import type { Status } from './framework/interface.js';

export const REASON_PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const REASON_NO_PREEMPTION_VICTIMS = 'No preemption victims found for incoming pod';

/** "<n> reason" for each distinct reason, sorted by code unit like sort.Strings. */
export function reasonHistogram(reasons: Iterable<string>): string[] {
  const counts = new Map<string, number>();
  for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  return [...counts].map(([reason, n]) => `${n} ${reason}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function summary(numAllNodes: number, reasons: Iterable<string>): string {
  return `0/${numAllNodes} nodes are available: ${reasonHistogram(reasons).join(', ')}.`;
}

export class FitError extends Error {
  readonly kind = 'unschedulable';

  /** `statuses` holds each node's failing status, by node name. */
  constructor(
    readonly numAllNodes: number,
    readonly statuses: ReadonlyMap<string, Status>,
  ) {
    super(FitError.format(numAllNodes, statuses));
    this.name = 'FitError';
  }

  /** The filter part alone: "0/3 nodes are available: 3 Insufficient cpu." */
  get filterMessage(): string {
    return summary(this.numAllNodes, [...this.statuses.values()].flatMap((s) => s.reasons));
  }

  private static format(numAllNodes: number, statuses: ReadonlyMap<string, Status>): string {
    const filter = summary(numAllNodes, [...statuses.values()].flatMap((s) => s.reasons));
    const preemption = [...statuses.values()].map((s) =>
      s.code === 'Unschedulable' ? REASON_NO_PREEMPTION_VICTIMS : REASON_PREEMPTION_NOT_HELPFUL,
    );
    return `${filter} preemption: ${summary(numAllNodes, preemption)}.`;
  }
}

/** No node exists at all (kube-scheduler's ErrNoNodesAvailable). */
export class NoNodesError extends Error {
  readonly kind = 'no-nodes';

  constructor() {
    super('no nodes available to schedule pods');
    this.name = 'NoNodesError';
  }
}
