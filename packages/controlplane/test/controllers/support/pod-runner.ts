import { nowTimestamp } from '../../../src/api/object.js';
import { Informer, isNotFound, Resources, type RestClient } from '../../../src/client/index.js';
import type { Pod } from '../../../src/controllers/framework/types.js';

/**
 * The pod side of a kubelet, for controller tests with heartbeat nodes: a pod bound to a live node
 * is reported Running and Ready with an IP (once; a test may change its status afterwards), and a
 * pod being deleted there is confirmed gone (grace 0). A node marked dead does neither, as a node
 * whose kubelet stopped: its pods stay as they were, Terminating ones included.
 */
export class PodRunner {
  private readonly dead = new Set<string>();
  private readonly started = new Set<string>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private nextIp = 1;

  private constructor(
    private readonly client: RestClient,
    private readonly informer: Informer<Pod>,
  ) {}

  static async start(client: RestClient): Promise<PodRunner> {
    const informer = new Informer<Pod>(client, Resources.pods);
    const runner = new PodRunner(client, informer);
    informer.addEventHandler({ onAdd: (p) => runner.consider(p), onUpdate: (_o, p) => runner.consider(p) });
    informer.start();
    await informer.waitForSync(30_000);
    return runner;
  }

  /** The node's kubelet is gone: its pods are left as they are. */
  killNode(name: string): void {
    this.dead.add(name);
  }

  async stop(): Promise<void> {
    await this.informer.stop();
    await Promise.allSettled([...this.inFlight]);
  }

  private consider(pod: Pod): void {
    const node = pod.spec.nodeName;
    if (!node || this.dead.has(node)) return;
    const { namespace, name, uid } = pod.metadata;
    if (pod.metadata.deletionTimestamp) {
      this.track(this.client.delete(Resources.pods, name, { namespace, gracePeriodSeconds: 0, preconditions: { uid } }));
      return;
    }
    if (this.started.has(uid!)) return;
    this.started.add(uid!);
    const now = nowTimestamp();
    const n = this.nextIp++;
    const status = {
      phase: 'Running',
      podIP: `10.244.${n >> 8}.${n & 255}`,
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
