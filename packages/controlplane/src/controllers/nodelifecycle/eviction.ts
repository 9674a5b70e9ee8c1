import { tolerates } from '../../scheduler/plugins/taint-toleration.js';
import { timeOf } from '../framework/pods.js';
import type { Pod, Taint } from '../framework/types.js';

type TimedTaint = Taint & { timeAdded?: string };

/**
 * When a pod on a node with these taints must be evicted (ms since the epoch), or undefined for
 * never. A NoExecute taint the pod does not tolerate evicts it at once; one it tolerates for
 * tolerationSeconds evicts it that long after the taint's timeAdded; a toleration without
 * tolerationSeconds tolerates for ever. The earliest deadline over the taints wins.
 */
export function evictionDeadline(pod: Pod, taints: readonly TimedTaint[], now: number): number | undefined {
  let deadline = Infinity;
  for (const taint of taints) {
    if (taint.effect !== 'NoExecute') continue;
    const toleration = (pod.spec.tolerations ?? []).find((t) => tolerates(t, taint));
    if (!toleration) return now;
    if (toleration.tolerationSeconds === undefined || toleration.tolerationSeconds === null) continue;
    const since = timeOf(taint.timeAdded) ?? now;
    deadline = Math.min(deadline, since + Math.max(0, toleration.tolerationSeconds) * 1000);
  }
  return Number.isFinite(deadline) ? deadline : undefined;
}
