/**
 * NodeResourcesFit: a node must have room for the pod's cpu and memory requests and one more pod;
 * as a score, the LeastAllocated strategy (Kubernetes' default) favours the node with the most
 * room left after placing the pod, cpu and memory weighted 1 each.
 */
import { MAX_NODE_SCORE, SUCCESS, unschedulable, type FilterPlugin, type ScorePlugin, type Status } from '../framework/interface.js';
import { podNonZeroRequests, podRequests, type NodeInfo } from '../framework/node-info.js';
import type { Pod } from '../types.js';

export const NODE_RESOURCES_FIT = 'NodeResourcesFit';

/** The reasons, word for word as noderesources/fit.go writes them. */
export const REASON_TOO_MANY_PODS = 'Too many pods';
export const REASON_INSUFFICIENT_CPU = 'Insufficient cpu';
export const REASON_INSUFFICIENT_MEMORY = 'Insufficient memory';

/** Every resource the node lacks for the pod, in Kubernetes' order (pods, cpu, memory). */
export function insufficientResources(pod: Pod, info: NodeInfo): string[] {
  const reasons: string[] = [];
  if (info.pods.length + 1 > info.allocatable.pods) reasons.push(REASON_TOO_MANY_PODS);
  const want = podRequests(pod);
  if (want.milliCPU > 0 && want.milliCPU > info.allocatable.milliCPU - info.requested.milliCPU) {
    reasons.push(REASON_INSUFFICIENT_CPU);
  }
  if (want.memory > 0 && want.memory > info.allocatable.memory - info.requested.memory) {
    reasons.push(REASON_INSUFFICIENT_MEMORY);
  }
  return reasons;
}

/** (capacity − requested) × 100 / capacity in integers; 0 when full, over-full or of no capacity. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

export class NodeResourcesFit implements FilterPlugin, ScorePlugin {
  readonly name = NODE_RESOURCES_FIT;

  filter(pod: Pod, info: NodeInfo): Status {
    const reasons = insufficientResources(pod, info);
    return reasons.length === 0 ? SUCCESS : unschedulable(this.name, ...reasons);
  }

  score(pod: Pod, info: NodeInfo): number {
    const want = podNonZeroRequests(pod);
    const cpu = leastRequestedScore(info.nonZeroRequested.milliCPU + want.milliCPU, info.allocatable.milliCPU);
    const memory = leastRequestedScore(info.nonZeroRequested.memory + want.memory, info.allocatable.memory);
    return Math.trunc((cpu + memory) / 2);
  }
}
