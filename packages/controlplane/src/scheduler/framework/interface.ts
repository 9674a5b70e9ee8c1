/**
 * The scheduling framework's extension points, in the spirit of Kubernetes'
 * pkg/scheduler/framework: filter plugins say whether a pod may run on a node and why not; score
 * plugins rank the nodes left. Plugins are pure: they read the pod, the node's NodeInfo and the
 * cycle's snapshot, and return a value.
 */
import type { Pod } from '../types.js';
import type { NodeInfo } from './node-info.js';

/** The highest score a plugin gives a node after normalisation. */
export const MAX_NODE_SCORE = 100;

/**
 * Why a filter said no. `Unschedulable` could change by preempting pods on the node (resources,
 * anti-affinity); `UnschedulableAndUnresolvable` cannot (cordon, selectors, taints, node name).
 */
export type StatusCode = 'Success' | 'Unschedulable' | 'UnschedulableAndUnresolvable';

/** A filter's verdict for one node; `reasons` are printed as Kubernetes prints them. */
export interface Status {
  readonly code: StatusCode;
  readonly reasons: readonly string[];
  /** The plugin that rejected the node. */
  readonly plugin?: string;
}

export const SUCCESS: Status = Object.freeze({ code: 'Success', reasons: Object.freeze([]) as readonly string[] });

export function unschedulable(plugin: string, ...reasons: string[]): Status {
  return { code: 'Unschedulable', reasons, plugin };
}

export function unresolvable(plugin: string, ...reasons: string[]): Status {
  return { code: 'UnschedulableAndUnresolvable', reasons, plugin };
}

/** What every plugin may read during one scheduling cycle: the whole snapshot of nodes. */
export interface CycleState {
  readonly nodes: readonly NodeInfo[];
}

export interface FilterPlugin {
  readonly name: string;
  filter(pod: Pod, nodeInfo: NodeInfo, state: CycleState): Status;
}

/**
 * A score plugin: a raw score a node, then (optionally) a normalisation over all feasible nodes to
 * 0..MAX_NODE_SCORE. Without `normalize` the raw scores must already lie in that range.
 */
export interface ScorePlugin {
  readonly name: string;
  score(pod: Pod, nodeInfo: NodeInfo, state: CycleState): number;
  normalize?(scores: readonly number[]): number[];
}

/** A score plugin and its weight in the sum that ranks nodes. */
export interface WeightedScorePlugin {
  readonly plugin: ScorePlugin;
  readonly weight: number;
}

/** The plugins one scheduler runs, in order: filters stop at a node's first failure. */
export interface PluginSet {
  readonly filters: readonly FilterPlugin[];
  readonly scorers: readonly WeightedScorePlugin[];
}

/**
 * Kubernetes' DefaultNormalizeScore: scale so the highest score becomes MAX_NODE_SCORE; with
 * `reverse`, the lowest raw score gets the most. All-zero scores become 0, or MAX_NODE_SCORE reversed.
 */
export function defaultNormalizeScore(scores: readonly number[], reverse: boolean): number[] {
  const max = scores.reduce((a, b) => Math.max(a, b), 0);
  if (max === 0) return scores.map(() => (reverse ? MAX_NODE_SCORE : 0));
  return scores.map((score) => {
    const scaled = Math.trunc((MAX_NODE_SCORE * score) / max);
    return reverse ? MAX_NODE_SCORE - scaled : scaled;
  });
}
