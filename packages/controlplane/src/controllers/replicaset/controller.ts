import { NAMESPACE_INDEX } from '../../client/informer/indexer.js';
import type { Informer } from '../../client/informer/informer.js';
import { objectKey, Resources, splitKey } from '../../client/rest/resource-ref.js';
import { QueueController, type ControllerContext } from '../framework/controller.js';
import { Expectations } from '../framework/expectations.js';
import { ownerKeysOf } from '../framework/owner-keys.js';
import { controllerRef } from '../framework/pods.js';
import type { Pod, ReplicaSet } from '../framework/types.js';
import { applyWrites, throwFirstFailure } from '../framework/writes.js';
import { syncReplicaSet } from './sync.js';

/**
 * The ReplicaSet controller: keeps as many pods as each ReplicaSet asks for. Pod events go to
 * the owning ReplicaSet's key (or, for an orphan, to every ReplicaSet that selects it), and settle
 * the expectations raised by the ReplicaSet's own creates and deletes.
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
    this.pods.addEventHandler({
      onAdd: (pod) => {
        const ref = controllerRef(pod);
        if (ref?.kind === 'ReplicaSet') this.expectations.creationObserved(`${pod.metadata.namespace}/${ref.name}`);
        this.enqueueOwners(pod);
      },
      onUpdate: (old, pod) => {
        if (pod.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) this.deletionSeen(pod);
        this.enqueueOwners(old);
        this.enqueueOwners(pod);
      },
      onDelete: (pod) => {
        this.deletionSeen(pod);
        this.enqueueOwners(pod);
      },
    });
  }

  protected caches() {
    return [this.replicaSets, this.pods];
  }

  private deletionSeen(pod: Pod): void {
    const ref = controllerRef(pod);
    if (ref?.kind === 'ReplicaSet') this.expectations.deletionObserved(`${pod.metadata.namespace}/${ref.name}`, pod.metadata.uid ?? '');
  }

  private enqueueOwners(pod: Pod): void {
    for (const key of ownerKeysOf(pod, 'ReplicaSet', this.replicaSets)) this.queue.add(key);
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
    for (const o of outcomes) {
      if (o.ok) continue;
      // A write that failed will never show up in the cache: stop waiting for it.
      if (o.write.op === 'create' && o.write.ref === Resources.pods) this.expectations.creationObserved(key);
      if (o.write.op === 'delete') this.expectations.deletionObserved(key, o.write.uid ?? '');
    }
    if (result.resyncAfterMs !== undefined) this.queue.addAfter(key, result.resyncAfterMs);
    throwFirstFailure(outcomes, `sync of replicaset ${key}`);
  }
}
