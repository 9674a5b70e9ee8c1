/**
 * NodeAffinity: a node must carry the pod's spec.nodeSelector labels and satisfy its required node
 * affinity; as a score, the sum of the weights of the preferred terms it satisfies, normalised.
 */
import { defaultNormalizeScore, SUCCESS, unresolvable, type FilterPlugin, type ScorePlugin, type Status } from '../framework/interface.js';
import type { NodeInfo } from '../framework/node-info.js';
import { nodeLabelsMatch, nodeSelectorMatches, nodeSelectorTermMatches } from '../labels.js';
import type { Node, Pod } from '../types.js';

export const NODE_AFFINITY = 'NodeAffinity';
export const REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

/** Whether the node satisfies both the pod's nodeSelector and its required node affinity. */
export function nodeMatchesPod(pod: Pod, node: Node): boolean {
  if (!nodeLabelsMatch(pod.spec.nodeSelector, node)) return false;
  const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return required === undefined || nodeSelectorMatches(required, node);
}

export class NodeAffinity implements FilterPlugin, ScorePlugin {
  readonly name = NODE_AFFINITY;

  filter(pod: Pod, info: NodeInfo): Status {
    return nodeMatchesPod(pod, info.node) ? SUCCESS : unresolvable(this.name, REASON_NODE_AFFINITY);
  }

  score(pod: Pod, info: NodeInfo): number {
    const preferred = pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    return preferred
      .filter((term) => term.weight !== 0 && nodeSelectorTermMatches(term.preference, info.node))
      .reduce((sum, term) => sum + term.weight, 0);
  }

  normalize(scores: readonly number[]): number[] {
    return defaultNormalizeScore(scores, false);
  }
}
