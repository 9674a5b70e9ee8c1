/**
 * Which node updates can make a waiting pod fit, so that a kubelet's status heartbeat does not
 * send every unschedulable pod round the queue again (as kube-scheduler's node-update checks).
 */
import { jsonEqual } from '../../api/object.js';
import type { Node } from '../types.js';

export function nodeChangeMayHelp(old: Node, node: Node): boolean {
  return (
    Boolean(old.spec?.unschedulable) !== Boolean(node.spec?.unschedulable) ||
    !jsonEqual(old.spec?.taints ?? [], node.spec?.taints ?? []) ||
    !jsonEqual(old.metadata.labels ?? {}, node.metadata.labels ?? {}) ||
    !jsonEqual(old.status?.allocatable ?? {}, node.status?.allocatable ?? {})
  );
}
