/**
 * TaintToleration: a pod may not land on a node with a NoSchedule or NoExecute taint it does not
 * tolerate; as a score, fewer untolerated PreferNoSchedule taints is better.
 */
import { defaultNormalizeScore, SUCCESS, unresolvable, type FilterPlugin, type ScorePlugin, type Status } from '../framework/interface.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { Pod, Taint, Toleration } from '../types.js';

export const TAINT_TOLERATION = 'TaintToleration';

/** "node(s) had untolerated taint {key: value}", as taint_toleration.go prints it. */
export function untoleratedTaintReason(taint: Taint): string {
  return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
}

/** Whether one toleration tolerates one taint (v1helper ToleratesTaint). */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect !== undefined && toleration.effect !== '' && toleration.effect !== taint.effect) return false;
  const key = toleration.key ?? '';
  if (key !== '' && key !== taint.key) return false;
  switch (toleration.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

export function toleratesAny(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => tolerates(t, taint));
}

export class TaintToleration implements FilterPlugin, ScorePlugin {
  readonly name = TAINT_TOLERATION;

  filter(pod: Pod, info: NodeInfo): Status {
    const blocking = (info.node.spec?.taints ?? []).find(
      (taint) => (taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') && !toleratesAny(pod.spec.tolerations, taint),
    );
    return blocking === undefined ? SUCCESS : unresolvable(this.name, untoleratedTaintReason(blocking));
  }

  /** The count of untolerated PreferNoSchedule taints; normalised in reverse. */
  score(pod: Pod, info: NodeInfo): number {
    // Only tolerations that could match PreferNoSchedule count, as in Kubernetes' PreScore.
    const relevant = (pod.spec.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    return (info.node.spec?.taints ?? []).filter((taint) => taint.effect === 'PreferNoSchedule' && !toleratesAny(relevant, taint)).length;
  }

  normalize(scores: readonly number[]): number[] {
    return defaultNormalizeScore(scores, true);
  }
}
