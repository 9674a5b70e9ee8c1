import type { Informer } from '../../client/informer/informer.js';
import { objectKey, Resources } from '../../client/rest/resource-ref.js';
import { QueueController, type ControllerContext } from '../framework/controller.js';
import type { Node, Pod } from '../framework/types.js';
import { withKind } from '../framework/events.js';
import { applyWrite } from '../framework/writes.js';
import { evictionDeadline } from './eviction.js';

export const NODE_NAME_INDEX = 'spec.nodeName';

/**
 * Taint-based eviction (Kubernetes' taint-eviction-controller): a pod on a node with a NoExecute
 * taint it does not tolerate is deleted at once; one that tolerates it for tolerationSeconds is
 * deleted that long after the taint was added. Keys are pods; a taint change re-checks the node's pods.
 */
export class TaintEvictionController extends QueueController {
  static readonly NAME = 'taint-eviction';
  private readonly nodes: Informer<Node>;
  private readonly pods: Informer<Pod>;

  constructor(ctx: ControllerContext, workers = 4) {
    super(TaintEvictionController.NAME, ctx, workers);
    this.nodes = ctx.informers.informerFor<Node>(Resources.nodes);
    this.pods = ctx.informers.informerFor<Pod>(Resources.pods);
    this.pods.addIndexers({ [NODE_NAME_INDEX]: (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []) });
    const enqueuePod = (p: Pod) => p.spec?.nodeName && !p.metadata.deletionTimestamp && this.queue.add(objectKey(p));
    this.pods.addEventHandler({ onAdd: enqueuePod, onUpdate: (_o, p) => enqueuePod(p) });
    const enqueueNode = (n: Node) => this.pods.store.byIndex(NODE_NAME_INDEX, n.metadata.name).forEach(enqueuePod);
    this.nodes.addEventHandler({
      onAdd: enqueueNode,
      onUpdate: (old, n) => JSON.stringify(old.spec?.taints ?? []) !== JSON.stringify(n.spec?.taints ?? []) && enqueueNode(n),
    });
  }

  protected caches() {
    return [this.nodes, this.pods];
  }

  protected async sync(key: string): Promise<void> {
    const pod = this.pods.store.get(key);
    if (!pod?.spec.nodeName || pod.metadata.deletionTimestamp) return;
    const node = this.nodes.store.get(pod.spec.nodeName);
    if (!node) return;
    const now = this.ctx.clock.now();
    const deadline = evictionDeadline(pod, node.spec?.taints ?? [], now);
    if (deadline === undefined) return;
    if (deadline > now) {
      this.queue.addAfter(key, deadline - now);
      return;
    }
    this.ctx.logger.info('evicting pod from a NoExecute-tainted node', { pod: key, node: node.metadata.name });
    this.ctx.recorder?.('taint-eviction-controller').event(withKind(pod, 'v1', 'Pod'), 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    await applyWrite(this.ctx.client, { op: 'delete', ref: Resources.pods, namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid });
  }
}
