import { NAMESPACE_INDEX } from '../../client/informer/indexer.js';
import type { Informer } from '../../client/informer/informer.js';
import { objectKey, Resources, splitKey } from '../../client/rest/resource-ref.js';
import { QueueController, type ControllerContext } from '../framework/controller.js';
import { Expectations } from '../framework/expectations.js';
import { reportPodWrites, withKind } from '../framework/events.js';
import { settleFailedPodWrites, trackOwnedPods } from '../framework/owned-pods.js';
import type { Pod, ReplicaSet } from '../framework/types.js';
import { applyWrites, throwFirstFailure } from '../framework/writes.js';
import { syncReplicaSet } from './sync.js';

/**
 * The ReplicaSet controller: keeps as many pods as each ReplicaSet asks for. Pod events go to
 * the owning ReplicaSet's key (or, for an orphan, to every ReplicaSet that selects it), and settle
 * the expectations raised by the ReplicaSet's own creates and deletes (trackOwnedPods).
 */
export class ReplicaSetController extends QueueController {
  static readonly NAME = 'replicaset';
  private readonly replicaSets: Informer<ReplicaSet>;
  private readonly pods: Informer<Pod>;
  private readonly expectations = new Expectations();

  constructor(ctx: ControllerContext, workers = 5) {
    super(ReplicaSetController.NAME, ctx, workers);
    this.replicaSets = ctx.informers.informerFor<ReplicaSet>(Resources.replicasets);
    this.pods = ctx.informers.informerFor<Pod>(Resources.pods);
    this.replicaSets.addEventHandler({
      onAdd: (rs) => this.queue.add(objectKey(rs)),
      onUpdate: (_old, rs) => this.queue.add(objectKey(rs)),
      onDelete: (rs) => {
        this.expectations.forget(objectKey(rs));
        this.queue.add(objectKey(rs));
      },
    });
    trackOwnedPods(this.pods, 'ReplicaSet', this.replicaSets, this.queue, this.expectations);
  }

  protected caches() {
    return [this.replicaSets, this.pods];
  }

  protected async sync(key: string): Promise<void> {
    const rs = this.replicaSets.store.get(key);
    if (!rs) {
      this.expectations.forget(key);
      return;
    }
    const now = this.ctx.clock.now();
    const mayManage = this.expectations.satisfied(key, now);
    const pods = this.pods.store.byIndex(NAMESPACE_INDEX, splitKey(key).namespace ?? '');
    const result = syncReplicaSet({ rs, pods, now, mayManage });
    if (mayManage) this.expectations.expect(key, result.creates, result.deletes, now);
    const outcomes = await applyWrites(this.ctx.client, result.writes);
    settleFailedPodWrites(key, outcomes, this.expectations);
    reportPodWrites(this.ctx.recorder?.('replicaset-controller'), withKind(rs, 'apps/v1', 'ReplicaSet'), outcomes);
    if (result.resyncAfterMs !== undefined) this.queue.addAfter(key, result.resyncAfterMs);
    throwFirstFailure(outcomes, `sync of replicaset ${key}`);
  }
}
