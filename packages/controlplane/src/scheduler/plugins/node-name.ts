/** NodeName: a pod that names its node (manual scheduling) fits that node only. */
import { SUCCESS, unresolvable, type FilterPlugin, type Status } from '../framework/interface.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { Pod } from '../types.js';

export const NODE_NAME = 'NodeName';
export const REASON_NODE_NAME = "node(s) didn't match the requested node name";

export class NodeName implements FilterPlugin {
  readonly name = NODE_NAME;

  filter(pod: Pod, info: NodeInfo): Status {
    const wanted = pod.spec.nodeName;
    if (wanted === undefined || wanted === '' || wanted === info.node.metadata.name) return SUCCESS;
    return unresolvable(this.name, REASON_NODE_NAME);
  }
}
