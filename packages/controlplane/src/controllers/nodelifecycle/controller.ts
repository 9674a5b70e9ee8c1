import type { Informer } from '../../client/informer/informer.js';
import { Resources } from '../../client/rest/resource-ref.js';
import type { TimerHandle } from '../../client/workqueue/clock.js';
import { QueueController, type ControllerContext } from '../framework/controller.js';
import type { Lease, Node, Pod } from '../framework/types.js';
import { withKind } from '../framework/events.js';
import { applyWrite, applyWrites, throwFirstFailure } from '../framework/writes.js';
import { observeHeartbeat, podsMarkedNotReady, silentNodeStatus, type HeartbeatRecord } from './node-health.js';
import { NODE_NAME_INDEX } from './taint-eviction-controller.js';
import { taintsForReadiness } from './node-taints.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/**
 * The node lifecycle controller: every node-monitor-period it checks each node's heartbeat (its
 * Lease in kube-node-lease and its Ready condition); a node silent for longer than the grace period
 * gets Unknown conditions, and every node carries the not-ready / unreachable taints its Ready
 * condition calls for (removed once the kubelet reports Ready again). Evicting pods from tainted
 * nodes is the TaintEvictionController's job.
 */
export class NodeLifecycleController extends QueueController {
  static readonly NAME = 'nodelifecycle';
  private readonly nodes: Informer<Node>;
  private readonly leases: Informer<Lease>;
  private readonly pods: Informer<Pod>;
  private readonly heartbeats = new Map<string, HeartbeatRecord>();
  private monitor: TimerHandle | undefined;

  constructor(
    ctx: ControllerContext,
    private readonly monitorPeriodMs: number,
    private readonly gracePeriodMs: number,
  ) {
    super(NodeLifecycleController.NAME, ctx, 1);
    this.nodes = ctx.informers.informerFor<Node>(Resources.nodes);
    this.leases = ctx.informers.informerFor<Lease>(Resources.leases, { namespace: NODE_LEASE_NAMESPACE });
    this.pods = ctx.informers.informerFor<Pod>(Resources.pods);
    this.pods.addIndexers({ [NODE_NAME_INDEX]: (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []) });
    const enqueue = (n: { metadata: { name?: string } }) => this.queue.add(n.metadata.name ?? '');
    this.nodes.addEventHandler({
      onAdd: enqueue,
      onUpdate: (_o, n) => enqueue(n),
      onDelete: (n) => this.heartbeats.delete(n.metadata.name),
    });
    this.leases.addEventHandler({ onAdd: enqueue, onUpdate: (_o, l) => enqueue(l) });
  }

  protected caches() {
    return [this.nodes, this.leases, this.pods];
  }

  /** The monitor: every period, every node is checked again (a silent node sends no event). */
  protected override started(signal: AbortSignal): void {
    const tick = () => {
      if (signal.aborted) return;
      for (const key of this.nodes.store.keys()) this.queue.add(key);
      this.monitor = this.ctx.clock.setTimer(tick, this.monitorPeriodMs);
    };
    tick();
    signal.addEventListener('abort', () => this.monitor?.cancel(), { once: true });
  }

  protected async sync(name: string): Promise<void> {
    const node = this.nodes.store.get(name);
    if (!node) return;
    const now = this.ctx.clock.now();
    const lease = this.leases.store.getByName(NODE_LEASE_NAMESPACE, name);
    const previous = this.heartbeats.get(name);
    const record = observeHeartbeat(previous, node, lease, now);
    this.heartbeats.set(name, record);
    // One write per pass: the status first; the node's update event brings it back for the taints.
    const silent = silentNodeStatus(node, record, now, this.gracePeriodMs);
    if (silent) {
      this.ctx.logger.info('node heartbeat is stale: conditions set to Unknown', { node: name, silentForMs: now - record.observedAt });
      await applyWrite(this.ctx.client, { op: 'updateStatus', ref: Resources.nodes, object: silent });
      this.ctx.recorder?.('node-controller').event(withKind(node, 'v1', 'Node'), 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
      return;
    }
    const notReady = podsMarkedNotReady(node, this.pods.store.byIndex(NODE_NAME_INDEX, name), now);
    if (notReady.length > 0) {
      this.ctx.logger.info('marking the pods of a node that is not ready not ready', { node: name, pods: notReady.length });
      throwFirstFailure(await applyWrites(this.ctx.client, notReady.map((p) => ({ op: 'updateStatus' as const, ref: Resources.pods, object: p }))), `marking pods on ${name} not ready`);
    }
    const taints = taintsForReadiness(node, now);
    if (taints) {
      this.ctx.logger.info('node taints follow its Ready condition', { node: name, taints: taints.map((t) => `${t.key}:${t.effect}`) });
      await applyWrite(this.ctx.client, { op: 'update', ref: Resources.nodes, object: { ...node, spec: { ...(node.spec ?? {}), taints } } });
    }
  }
}
