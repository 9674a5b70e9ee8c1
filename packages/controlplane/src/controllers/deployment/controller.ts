import { NAMESPACE_INDEX } from '../../client/informer/indexer.js';
import type { Informer } from '../../client/informer/informer.js';
import { isAlreadyExists } from '../../client/rest/api-error.js';
import { objectKey, Resources, splitKey } from '../../client/rest/resource-ref.js';
import { QueueController, type ControllerContext } from '../framework/controller.js';
import { ownerKeysOf } from '../framework/owner-keys.js';
import { controllerRef } from '../framework/pods.js';
import type { Deployment, Pod, ReplicaSet } from '../framework/types.js';
import { withKind } from '../framework/events.js';
import { applyWrites, throwFirstFailure, type WriteOutcome } from '../framework/writes.js';
import { syncDeployment } from './sync.js';
import { templatesEqualIgnoringHash } from './template-hash.js';

/**
 * The Deployment controller: rolls each Deployment's pods from ReplicaSet to ReplicaSet.
 * ReplicaSet events go to the owning Deployment; pod deletions too (a Recreate waits for them).
 */
export class DeploymentController extends QueueController {
  static readonly NAME = 'deployment';
  private readonly deployments: Informer<Deployment>;
  private readonly replicaSets: Informer<ReplicaSet>;
  private readonly pods: Informer<Pod>;

  constructor(ctx: ControllerContext, workers = 5) {
    super(DeploymentController.NAME, ctx, workers);
    this.deployments = ctx.informers.informerFor<Deployment>(Resources.deployments);
    this.replicaSets = ctx.informers.informerFor<ReplicaSet>(Resources.replicasets);
    this.pods = ctx.informers.informerFor<Pod>(Resources.pods);
    const enqueue = (d: Deployment) => this.queue.add(objectKey(d));
    this.deployments.addEventHandler({ onAdd: enqueue, onUpdate: (_o, d) => enqueue(d), onDelete: enqueue });
    const enqueueOwners = (rs: ReplicaSet) => ownerKeysOf(rs, 'Deployment', this.deployments).forEach((k) => this.queue.add(k));
    this.replicaSets.addEventHandler({
      onAdd: enqueueOwners,
      onUpdate: (old, rs) => {
        enqueueOwners(old);
        enqueueOwners(rs);
      },
      onDelete: enqueueOwners,
    });
    const podGone = (pod: Pod) => {
      const ref = controllerRef(pod);
      const rs = ref?.kind === 'ReplicaSet' ? this.replicaSets.store.getByName(pod.metadata.namespace, ref.name) : undefined;
      if (rs) enqueueOwners(rs);
    };
    this.pods.addEventHandler({ onUpdate: (old, pod) => !old.metadata.deletionTimestamp && pod.metadata.deletionTimestamp && podGone(pod), onDelete: podGone });
  }

  protected caches() {
    return [this.deployments, this.replicaSets, this.pods];
  }

  protected async sync(key: string): Promise<void> {
    const deployment = this.deployments.store.get(key);
    if (!deployment) return;
    const namespace = splitKey(key).namespace ?? '';
    const result = syncDeployment({
      deployment,
      replicaSets: this.replicaSets.store.byIndex(NAMESPACE_INDEX, namespace),
      pods: this.pods.store.byIndex(NAMESPACE_INDEX, namespace),
      now: this.ctx.clock.now(),
    });
    const outcomes = await applyWrites(this.ctx.client, result.writes);
    this.reportScaling(deployment, outcomes);
    for (const o of outcomes) {
      if (!o.ok && o.write.op === 'create' && isAlreadyExists(o.error)) await this.onNameTaken(deployment, o.write.object as ReplicaSet);
    }
    if (result.requeueAfterMs !== undefined) this.queue.addAfter(key, result.requeueAfterMs);
    throwFirstFailure(outcomes, `sync of deployment ${key}`);
  }

  /** ScalingReplicaSet events, worded as Kubernetes': "Scaled up replica set web-5d4f8 to 3 from 1". */
  private reportScaling(d: Deployment, outcomes: readonly WriteOutcome[]): void {
    const recorder = this.ctx.recorder?.('deployment-controller');
    if (!recorder) return;
    for (const o of outcomes) {
      if (!o.ok || o.write.ref.resource !== 'replicasets' || (o.write.op !== 'create' && o.write.op !== 'update')) continue;
      const rs = o.write.object as ReplicaSet;
      const from = o.write.op === 'create' ? 0 : (this.replicaSets.store.get(objectKey(rs))?.spec.replicas ?? 0);
      const to = rs.spec.replicas ?? 0;
      if (from === to) continue;
      recorder.event(withKind(d, 'apps/v1', 'Deployment'), 'Normal', 'ScalingReplicaSet', `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.metadata.name} to ${to} from ${from}`);
    }
  }

  /**
   * The new ReplicaSet's name is taken. If by a ReplicaSet of another template, the hash collided:
   * status.collisionCount goes up, so the next hash (and name) differs, as Kubernetes does.
   */
  private async onNameTaken(d: Deployment, wanted: ReplicaSet): Promise<void> {
    const existing = await this.ctx.client.get<ReplicaSet>(Resources.replicasets, wanted.metadata.name, { namespace: wanted.metadata.namespace });
    if (templatesEqualIgnoringHash(existing.spec.template, d.spec.template)) return;
    const collisionCount = (d.status?.collisionCount ?? 0) + 1;
    this.ctx.logger.warn('pod template hash collision', { deployment: objectKey(d), replicaSet: wanted.metadata.name, collisionCount });
    await this.ctx.client.updateStatus(Resources.deployments, { ...d, status: { ...(d.status ?? {}), collisionCount } });
  }
}
