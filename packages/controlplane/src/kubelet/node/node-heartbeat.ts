import type { Logger } from '../../apiserver/log.js';
import type { KubeObject } from '../../api/object.js';
import { isAlreadyExists, isNotFound, microTime, Resources, sleep, type RestClient } from '../../client/index.js';
import { nodeObject, nodeStatus, sameNodeStatus, type NodeIdentity } from './node-object.js';

type Json = Record<string, any>;

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
const REGISTER_RETRY_MS = 500;
const MAX_REGISTER_RETRY_MS = 7000;

export interface HeartbeatTiming {
  /** How often the Lease is renewed (Kubernetes: 10 s). */
  readonly leaseRenewMs: number;
  readonly leaseDurationSeconds: number;
  /** How often the node status is posted even when nothing changed (--node-status-update-frequency, 10 s). */
  readonly statusUpdateMs: number;
}

/**
 * The kubelet's node: registers it, renews its Lease in kube-node-lease, and posts its status.
 * A Node deleted under a running kubelet is registered again: the Lease (owned by the Node, so
 * collected with it) or the status write comes back 404, and the next beat creates the Node anew.
 */
export class NodeHeartbeat {
  private nodeUid: string | undefined;
  private lastStatus: Json | undefined;
  private lastStatusAt = 0;
  private leaseTimer: NodeJS.Timeout | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly stopping = new AbortController();

  constructor(
    private readonly client: RestClient,
    private readonly identity: NodeIdentity,
    private readonly timing: HeartbeatTiming,
    private readonly logger: Logger,
  ) {}

  /** Registers the node and posts its first status and Lease (retrying until the apiserver answers or stop()); then keeps them fresh until stop(). */
  async start(): Promise<void> {
    // An apiserver that is not up yet (a cluster starting together) is waited for, as the kubelet does.
    for (let delay = REGISTER_RETRY_MS; ; delay = Math.min(delay * 2, MAX_REGISTER_RETRY_MS)) {
      if (this.stopped) return;
      try {
        await this.register();
        await this.postStatus(true);
        await this.renewLease();
        break;
      } catch (err) {
        this.logger.warn('unable to register the node, will retry', { node: this.identity.name, error: (err as Error).message, retryInMs: delay });
        await sleep(delay, this.stopping.signal);
      }
    }
    this.leaseTimer = setInterval(() => this.serially(() => this.renewLease()), this.timing.leaseRenewMs);
    this.statusTimer = setInterval(() => this.serially(() => this.postStatus(false)), Math.min(this.timing.statusUpdateMs, 1000));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    clearInterval(this.leaseTimer);
    clearInterval(this.statusTimer);
    await this.chain;
  }

  /** One beat at a time: a slow apiserver delays the next one instead of piling requests up. */
  private serially(beat: () => Promise<void>): void {
    this.chain = this.chain.then(async () => {
      if (this.stopped) return;
      try {
        await beat();
      } catch (err) {
        this.logger.warn('node heartbeat failed', { node: this.identity.name, error: (err as Error).message });
      }
    });
  }

  private async register(): Promise<void> {
    try {
      const created = await this.client.create(Resources.nodes, nodeObject(this.identity) as KubeObject);
      this.nodeUid = created.metadata.uid;
      this.lastStatus = undefined;
      this.logger.info('registered node', { node: this.identity.name, uid: this.nodeUid });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      // A node of this name exists (an earlier run of this kubelet): take it over, keeping its labels.
      const wanted = nodeObject(this.identity);
      const existing = await this.client.patch(Resources.nodes, this.identity.name, { metadata: { labels: wanted.metadata.labels } }, 'merge');
      this.nodeUid = existing.metadata.uid;
      this.lastStatus = (existing as Json).status;
    }
  }

  /** Posts the status when it changed, or when the update period has passed since the last post. */
  private async postStatus(force: boolean): Promise<void> {
    const now = Date.now();
    const status = nodeStatus(this.identity, this.lastStatus, now);
    if (!force && now - this.lastStatusAt < this.timing.statusUpdateMs && sameNodeStatus(this.lastStatus, status)) return;
    try {
      await this.client.patch(Resources.nodes, this.identity.name, { status }, 'merge', { subresource: 'status' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      this.logger.warn('node object is gone: registering again', { node: this.identity.name });
      await this.register();
      await this.client.patch(Resources.nodes, this.identity.name, { status }, 'merge', { subresource: 'status' });
    }
    this.lastStatus = status;
    this.lastStatusAt = now;
  }

  private leaseObject(renewTime: string): Json {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.identity.name,
        namespace: NODE_LEASE_NAMESPACE,
        ...(this.nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.identity.name, uid: this.nodeUid }] } : {}),
      },
      spec: { holderIdentity: this.identity.name, leaseDurationSeconds: this.timing.leaseDurationSeconds, renewTime },
    };
  }

  private async renewLease(): Promise<void> {
    const renewTime = microTime(Date.now());
    try {
      await this.client.patch(Resources.leases, this.identity.name, { spec: { holderIdentity: this.identity.name, leaseDurationSeconds: this.timing.leaseDurationSeconds, renewTime } }, 'merge', { namespace: NODE_LEASE_NAMESPACE });
      return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    // No Lease: the first beat, or the Node (its owner) was deleted and the Lease collected with it.
    try {
      await this.client.get(Resources.nodes, this.identity.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await this.register();
      await this.postStatus(true);
    }
    await this.client.create(Resources.leases, this.leaseObject(renewTime) as KubeObject).catch((err) => {
      if (!isAlreadyExists(err)) throw err;
    });
  }
}
