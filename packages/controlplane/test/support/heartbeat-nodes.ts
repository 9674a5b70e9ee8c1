import type { KubeObject } from '../../src/api/object.js';
import { isAlreadyExists, microTime, Resources, type RestClient } from '../../src/client/index.js';

/** One node to register: its size and, optionally, labels, taints and a cordon. */
export interface HeartbeatNodeSpec {
  readonly name: string;
  /** Kubernetes quantities: cpu "4", memory "8Gi", pods "110". */
  readonly cpu: string;
  readonly memory: string;
  readonly pods?: string;
  readonly labels?: Record<string, string>;
  readonly taints?: readonly { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }[];
  readonly unschedulable?: boolean;
}

/** The Node object a kubelet would register for the spec, Ready=True, with addresses. */
export function nodeObject(spec: HeartbeatNodeSpec, index: number, nowMs = Date.now()): KubeObject {
  const resources = { cpu: spec.cpu, memory: spec.memory, pods: spec.pods ?? '110' };
  const now = new Date(Math.floor(nowMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: spec.name, labels: { 'kubernetes.io/hostname': spec.name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', ...spec.labels } },
    spec: { ...(spec.taints ? { taints: spec.taints } : {}), ...(spec.unschedulable ? { unschedulable: true } : {}) },
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }],
      addresses: [
        { type: 'InternalIP', address: `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}` },
        { type: 'Hostname', address: spec.name },
      ],
      nodeInfo: { kubeletVersion: 'v1.30.0-flotilla-heartbeat', operatingSystem: 'linux', architecture: 'amd64' },
    },
  };
}

/**
 * Test nodes without kubelets: registers Node objects and renews each node's Lease in kube-node-lease
 * every interval, as a kubelet's heartbeat does. stopHeartbeat(name) silences one node (to test node
 * lifecycle); stop() ends every heartbeat (the Node objects stay, like a kubelet that stopped).
 */
export class HeartbeatNodes {
  private readonly beating = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  private constructor(
    private readonly client: RestClient,
    readonly names: readonly string[],
    private readonly leaseDurationSeconds: number,
  ) {}

  static async start(client: RestClient, nodes: readonly HeartbeatNodeSpec[], options: { intervalMs?: number; leaseDurationSeconds?: number; concurrency?: number } = {}): Promise<HeartbeatNodes> {
    const self = new HeartbeatNodes(client, nodes.map((n) => n.name), options.leaseDurationSeconds ?? 40);
    await inBatches(nodes.map((n, i) => [n, i] as const), options.concurrency ?? 16, async ([n, i]) => {
      await self.register(nodeObject(n, i));
      await self.renew(n.name);
      self.beating.add(n.name);
    });
    self.timer = setInterval(() => self.beat(options.concurrency ?? 16), options.intervalMs ?? 1000);
    return self;
  }

  /** Stops one node's lease renewal (its Node object and last Lease remain). */
  stopHeartbeat(name: string): void {
    this.beating.delete(name);
  }

  isBeating(name: string): boolean {
    return this.beating.has(name);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.beating.clear();
    // A round in flight sees the empty set at its next node and ends.
    await this.inFlight;
  }

  private async register(node: KubeObject): Promise<void> {
    try {
      const created = await this.client.create(Resources.nodes, node);
      // An apiserver may drop status on create, as for other resources; write it through the status subresource.
      if (!created.status || !(created.status as { conditions?: unknown[] }).conditions) await this.client.updateStatus(Resources.nodes, { ...created, status: node.status });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }

  private beat(concurrency: number): void {
    // One round at a time: while the apiserver is slow, rounds are skipped rather than piled up.
    if (this.inFlight) return;
    const names = [...this.beating];
    this.inFlight = inBatches(names, concurrency, async (name) => {
      if (this.beating.has(name)) await this.renew(name).catch(() => undefined);
    }).finally(() => (this.inFlight = undefined));
  }

  private async renew(name: string): Promise<void> {
    const now = microTime(Date.now());
    try {
      await this.client.patch(Resources.leases, name, { spec: { holderIdentity: name, leaseDurationSeconds: this.leaseDurationSeconds, renewTime: now } }, 'merge', { namespace: 'kube-node-lease' });
    } catch (err) {
      if ((err as { code?: number }).code !== 404) throw err;
      const lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name, namespace: 'kube-node-lease' },
        spec: { holderIdentity: name, leaseDurationSeconds: this.leaseDurationSeconds, renewTime: now },
      };
      await this.client.create(Resources.leases, lease).catch((e) => {
        if (!isAlreadyExists(e)) throw e;
      });
    }
  }
}

async function inBatches<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
