import { nowTimestamp } from '../../api/object.js';
import type { Node, Taint } from '../framework/types.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';

type TimedTaint = Taint & { timeAdded?: string };

/**
 * The taints a node should carry for its Ready condition: False → not-ready, Unknown → unreachable,
 * each as NoSchedule (no new pods) and NoExecute (evict what does not tolerate it); True → neither.
 * Other taints are kept as they are; a wanted taint already there keeps its timeAdded (eviction
 * deadlines count from it). Answers undefined when the node already carries exactly these.
 */
export function taintsForReadiness(node: Node, now: number): TimedTaint[] | undefined {
  const status = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  const key = status === 'False' ? TAINT_NOT_READY : status === 'Unknown' ? TAINT_UNREACHABLE : undefined;
  const current = (node.spec?.taints ?? []) as TimedTaint[];
  const ours = (t: Taint) => (t.key === TAINT_NOT_READY || t.key === TAINT_UNREACHABLE) && (t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  const kept = current.filter((t) => !ours(t) || t.key === key);
  const wanted: TimedTaint[] = [...kept];
  if (key) {
    if (!kept.some((t) => t.key === key && t.effect === 'NoSchedule')) wanted.push({ key, effect: 'NoSchedule' });
    if (!kept.some((t) => t.key === key && t.effect === 'NoExecute')) wanted.push({ key, effect: 'NoExecute', timeAdded: nowTimestamp(now) });
  }
  return wanted.length === current.length && kept.length === current.length ? undefined : wanted;
}
