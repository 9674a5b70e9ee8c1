import { nowTimestamp } from '../../../src/api/object.js';
import { Informer, isNotFound, Resources, type RestClient } from '../../../src/client/index.js';
import type { Node, Pod } from '../../../src/controllers/framework/types.js';

/**
 * The rest of a kubelet, for controller tests with heartbeat nodes (which only renew Leases): a pod
 * bound to a live node is reported Running and Ready with an IP (and Ready again when someone else,
 * such as the node lifecycle controller after a stall of the test machine, marks it not ready;
 * hold(pod) leaves a pod's status to the test), a pod being deleted there is confirmed gone (grace 0), and a live node whose Ready
 * condition someone else changed (the node lifecycle controller, after a stall of the test machine)
 * is reported Ready again, as a kubelet re-posts a status that differs from its own. A node marked
 * dead does none of this, as a node whose kubelet stopped: its pods stay as they were.
 */
export class PodRunner {
  private readonly dead = new Set<string>();
  private readonly started = new Set<string>();
  private readonly held = new Set<string>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private nextIp = 1;

  private constructor(
    private readonly client: RestClient,
    private readonly informer: Informer<Pod>,
    private readonly nodes: Informer<Node>,
  ) {}

  static async start(client: RestClient): Promise<PodRunner> {
    const informer = new Informer<Pod>(client, Resources.pods);
    const nodes = new Informer<Node>(client, Resources.nodes);
    const runner = new PodRunner(client, informer, nodes);
    informer.addEventHandler({ onAdd: (p) => runner.consider(p), onUpdate: (_o, p) => runner.consider(p) });
    nodes.addEventHandler({ onAdd: (n) => runner.keepReady(n), onUpdate: (_o, n) => runner.keepReady(n) });
    informer.start();
    nodes.start();
    await Promise.all([informer.waitForSync(30_000), nodes.waitForSync(30_000)]);
    return runner;
  }

  /** Leaves this pod's status to the test from now on. */
  hold(podName: string): void {
    this.held.add(podName);
  }

  /** The node's kubelet is gone: its pods are left as they are. */
  killNode(name: string): void {
    this.dead.add(name);
  }

  async stop(): Promise<void> {
    await this.informer.stop();
    await this.nodes.stop();
    await Promise.allSettled([...this.inFlight]);
  }

  private keepReady(node: Node): void {
    const name = node.metadata.name;
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    if (this.dead.has(name) || !ready || ready.status === 'True') return;
    const now = nowTimestamp();
    const conditions = [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }];
    this.track(this.client.patch(Resources.nodes, name, { status: { conditions } }, 'merge', { subresource: 'status' }));
  }

  private consider(pod: Pod): void {
    const node = pod.spec.nodeName;
    if (!node || this.dead.has(node)) return;
    const { namespace, name, uid } = pod.metadata;
    if (pod.metadata.deletionTimestamp) {
      this.track(this.client.delete(Resources.pods, name, { namespace, gracePeriodSeconds: 0, preconditions: { uid } }));
      return;
    }
    if (this.held.has(name)) return;
    const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    if (this.started.has(uid!) && ready) return;
    this.started.add(uid!);
    const now = nowTimestamp();
    const n = this.nextIp++;
    const status = {
      phase: 'Running',
      podIP: pod.status?.podIP ?? `10.244.${n >> 8}.${n & 255}`,
      startTime: now,
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
        { type: 'Initialized', status: 'True', lastTransitionTime: now },
        { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
        { type: 'Ready', status: 'True', lastTransitionTime: now },
      ],
    };
    this.track(this.client.patch(Resources.pods, name, { status }, 'merge', { namespace, subresource: 'status' }));
  }

  private track(p: Promise<unknown>): void {
    const settled = p.catch((err) => {
      if (!isNotFound(err) && (err as { code?: number }).code !== 409) process.stderr.write(`pod runner: ${(err as Error).message}\n`);
    });
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
  }
}
