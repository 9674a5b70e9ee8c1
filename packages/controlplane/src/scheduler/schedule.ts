/**
 * One scheduling decision, pure: filter every node (each filter in order, stopping at a node's
 * first failure), score the feasible ones with each weighted score plugin, and take the highest
 * total. Ties go to the injected picker, so a seed replays the decision.
 */
import type { CycleState, PluginSet, Status } from './framework/interface.js';
import type { NodeInfo } from './framework/node-info.js';
import { FitError, NoNodesError } from './fit-error.js';
import type { PickRandom } from './random.js';
import type { Pod } from './types.js';

/** A feasible node's total and its per-plugin scores (normalised, before weighting). */
export interface NodeScore {
  readonly node: string;
  readonly total: number;
  readonly byPlugin: Readonly<Record<string, number>>;
}

export interface Scheduled {
  readonly kind: 'scheduled';
  readonly node: string;
  /** Every feasible node's score, in the order the nodes were given. */
  readonly scores: readonly NodeScore[];
}

export type ScheduleResult = Scheduled | FitError | NoNodesError;

/** The first failing filter's status for the node, or undefined when it passes them all. */
export function runFilters(pod: Pod, info: NodeInfo, plugins: PluginSet, state: CycleState): Status | undefined {
  for (const filter of plugins.filters) {
    const status = filter.filter(pod, info, state);
    if (status.code !== 'Success') return { ...status, plugin: status.plugin ?? filter.name };
  }
  return undefined;
}

/** Scores for the feasible nodes, each plugin normalised then weighted, summed a node. */
export function scoreNodes(pod: Pod, feasible: readonly NodeInfo[], plugins: PluginSet, state: CycleState): NodeScore[] {
  const byPlugin = feasible.map(() => ({}) as Record<string, number>);
  const totals = feasible.map(() => 0);
  for (const { plugin, weight } of plugins.scorers) {
    const raw = feasible.map((info) => plugin.score(pod, info, state));
    const normalised = plugin.normalize ? plugin.normalize(raw) : raw;
    normalised.forEach((score, i) => {
      byPlugin[i]![plugin.name] = score;
      totals[i] = totals[i]! + score * weight;
    });
  }
  return feasible.map((info, i) => ({ node: info.node.metadata.name, total: totals[i]!, byPlugin: byPlugin[i]! }));
}

/** Decides where the pod goes, or why it goes nowhere. */
export function schedule(pod: Pod, nodes: readonly NodeInfo[], plugins: PluginSet, pickRandom: PickRandom): ScheduleResult {
  if (nodes.length === 0) return new NoNodesError();
  const state: CycleState = { nodes };
  const feasible: NodeInfo[] = [];
  const failures = new Map<string, Status>();
  for (const info of nodes) {
    const status = runFilters(pod, info, plugins, state);
    if (status === undefined) feasible.push(info);
    else failures.set(info.node.metadata.name, status);
  }
  if (feasible.length === 0) return new FitError(nodes.length, failures);

  const scores = scoreNodes(pod, feasible, plugins, state);
  const best = Math.max(...scores.map((s) => s.total));
  const tied = scores.filter((s) => s.total === best);
  // Only consult the picker when there is a choice, so a lone winner does not advance the seed.
  const index = tied.length === 1 ? 0 : pickRandom(tied.length);
  const chosen = tied[index];
  if (chosen === undefined) throw new RangeError(`the picker chose ${index} of ${tied.length} tied nodes`);
  return { kind: 'scheduled', node: chosen.node, scores };
}
