/**
 * NodeResourcesBalancedAllocation: favours the node whose cpu and memory would be used in the most
 * equal proportions after placing the pod, score = (1 − std of the fractions) × 100.
 */
import { MAX_NODE_SCORE, type ScorePlugin } from '../framework/interface.js';
import { podRequests, type NodeInfo } from '../framework/node-info.js';
import type { Pod } from '../types.js';

export const NODE_RESOURCES_BALANCED_ALLOCATION = 'NodeResourcesBalancedAllocation';

/** The score for requested/allocatable pairs; resources a node has none of are left out. */
export function balancedScore(requested: readonly number[], allocatable: readonly number[]): number {
  const fractions: number[] = [];
  requested.forEach((want, i) => {
    const capacity = allocatable[i]!;
    if (capacity !== 0) fractions.push(Math.min(want / capacity, 1));
  });
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs((fractions[0]! - fractions[1]!) / 2);
  } else if (fractions.length > 2) {
    const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
    std = Math.sqrt(fractions.reduce((sum, f) => sum + (f - mean) ** 2, 0) / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export class BalancedAllocation implements ScorePlugin {
  readonly name = NODE_RESOURCES_BALANCED_ALLOCATION;

  score(pod: Pod, info: NodeInfo): number {
    const want = podRequests(pod);
    // A best-effort pod requests nothing; Kubernetes skips this plugin for it so such pods do not
    // all pile onto one node, which here means every node scores the same.
    if (want.milliCPU === 0 && want.memory === 0) return 0;
    return balancedScore(
      [info.requested.milliCPU + want.milliCPU, info.requested.memory + want.memory],
      [info.allocatable.milliCPU, info.allocatable.memory],
    );
  }
}
