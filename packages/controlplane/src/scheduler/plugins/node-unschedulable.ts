/** NodeUnschedulable: a cordoned node takes no new pods unless the pod tolerates the cordon taint. */
import { SUCCESS, unresolvable, type FilterPlugin, type Status } from '../framework/interface.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { Pod, Taint } from '../types.js';
import { toleratesAny } from './taint-toleration.js';

export const NODE_UNSCHEDULABLE = 'NodeUnschedulable';
export const REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

/** The taint `kubectl cordon` stands for; DaemonSet pods tolerate it. */
export const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export class NodeUnschedulable implements FilterPlugin {
  readonly name = NODE_UNSCHEDULABLE;

  filter(pod: Pod, info: NodeInfo): Status {
    if (info.node.spec?.unschedulable !== true) return SUCCESS;
    if (toleratesAny(pod.spec.tolerations, UNSCHEDULABLE_TAINT)) return SUCCESS;
    return unresolvable(this.name, REASON_UNSCHEDULABLE);
  }
}
