import { NAMESPACE_INDEX } from '../../client/informer/indexer.js';
import type { Informer } from '../../client/informer/informer.js';
import { objectKey, Resources, splitKey } from '../../client/rest/resource-ref.js';
import { QueueController, type ControllerContext } from '../framework/controller.js';
import { Expectations } from '../framework/expectations.js';
import { reportPodWrites, withKind } from '../framework/events.js';
import { settleFailedPodWrites, trackOwnedPods } from '../framework/owned-pods.js';
import type { DaemonSet, Node, Pod } from '../framework/types.js';
import { applyWrites, throwFirstFailure } from '../framework/writes.js';
import { syncDaemonSet } from './sync.js';

/**
 * The DaemonSet controller: one pod per matching node. Node changes (added, relabelled, tainted)
 * re-sync every DaemonSet; pod changes go to their owner, settling its expectations.
 */
export class DaemonSetController extends QueueController {
  static readonly NAME = 'daemonset';
  private readonly daemonSets: Informer<DaemonSet>;
  private readonly nodes: Informer<Node>;
  private readonly pods: Informer<Pod>;
  private readonly expectations = new Expectations();

  constructor(ctx: ControllerContext, workers = 2) {
    super(DaemonSetController.NAME, ctx, workers);
    this.daemonSets = ctx.informers.informerFor<DaemonSet>(Resources.daemonsets);
    this.nodes = ctx.informers.informerFor<Node>(Resources.nodes);
    this.pods = ctx.informers.informerFor<Pod>(Resources.pods);
    const enqueue = (ds: DaemonSet) => this.queue.add(objectKey(ds));
    this.daemonSets.addEventHandler({
      onAdd: enqueue,
      onUpdate: (_o, ds) => enqueue(ds),
      onDelete: (ds) => {
        this.expectations.forget(objectKey(ds));
        enqueue(ds);
      },
    });
    const all = () => this.daemonSets.store.list().forEach(enqueue);
    this.nodes.addEventHandler({
      onAdd: all,
      onUpdate: (old, node) => {
        const relevant = (n: Node) => JSON.stringify([n.metadata.labels, n.spec?.taints, n.spec?.unschedulable]);
        if (relevant(old) !== relevant(node)) all();
      },
      onDelete: all,
    });
    trackOwnedPods(this.pods, 'DaemonSet', this.daemonSets, this.queue, this.expectations);
  }

  protected caches() {
    return [this.daemonSets, this.nodes, this.pods];
  }

  protected async sync(key: string): Promise<void> {
    const ds = this.daemonSets.store.get(key);
    if (!ds) {
      this.expectations.forget(key);
      return;
    }
    const now = this.ctx.clock.now();
    const mayManage = this.expectations.satisfied(key, now);
    const result = syncDaemonSet({ ds, nodes: this.nodes.store.list(), pods: this.pods.store.byIndex(NAMESPACE_INDEX, splitKey(key).namespace ?? ''), now, mayManage });
    if (mayManage) this.expectations.expect(key, result.creates, result.deletes, now);
    const outcomes = await applyWrites(this.ctx.client, result.writes);
    settleFailedPodWrites(key, outcomes, this.expectations);
    reportPodWrites(this.ctx.recorder?.('daemonset-controller'), withKind(ds, 'apps/v1', 'DaemonSet'), outcomes);
    throwFirstFailure(outcomes, `sync of daemonset ${key}`);
  }
}
