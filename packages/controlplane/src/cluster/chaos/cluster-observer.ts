import type { KubeObject } from '../../api/object.js';
import { Informer, Resources, type RestClient } from '../../client/index.js';
import type { ClusterFiles } from '../cluster-files.js';
import type { ClusterLayout } from '../layout.js';
import type { Probe } from '../probe.js';
import { DeploymentName, WorkloadLabel } from './deployment-workload.js';
import type { Observation, PodBinding } from './history.js';
import { currentLeaders } from './leader-probe.js';

interface PodView extends KubeObject {
  spec?: { nodeName?: string };
  status?: { phase?: string };
}
interface DeploymentView extends KubeObject {
  spec?: { replicas?: number };
  status?: { readyReplicas?: number; observedGeneration?: number };
}

/**
 * Watches the workload and polls the leaders: the pods (each node a pod is bound to, as it is
 * seen), the Deployment, and on every observe() the masters holding the store, scheduler and
 * controller-manager leadership. Observations are kept in order for the verdict.
 */
export class ClusterObserver {
  readonly observations: Observation[] = [];
  readonly bindings: PodBinding[] = [];
  private readonly pods: Informer<PodView>;
  private readonly deployments: Informer<DeploymentView>;
  private readonly boundTo = new Map<string, string>();

  constructor(
    client: RestClient,
    private readonly probe: Probe,
    private readonly files: ClusterFiles,
    private readonly layout: ClusterLayout,
    namespace: string,
    private readonly now: () => number,
  ) {
    const labelSelector = Object.entries(WorkloadLabel).map(([k, v]) => `${k}=${v}`).join(',');
    const watchOptions = { namespace, backoffMinMs: 100, backoffMaxMs: 1000 };
    this.pods = new Informer<PodView>(client, Resources.pods, { ...watchOptions, labelSelector });
    this.deployments = new Informer<DeploymentView>(client, Resources.deployments, watchOptions);
    const seen = (pod: PodView) => this.recordBinding(pod);
    this.pods.addEventHandler({ onAdd: seen, onUpdate: (_, pod) => seen(pod) });
  }

  start(): void {
    this.pods.start();
    this.deployments.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.pods.stop(), this.deployments.stop()]);
  }

  private recordBinding(pod: PodView): void {
    const uid = pod.metadata.uid ?? '';
    const nodeName = pod.spec?.nodeName;
    if (!nodeName || this.boundTo.get(uid) === nodeName) return;
    this.boundTo.set(uid, nodeName);
    this.bindings.push({ at: this.now(), pod: `${pod.metadata.namespace}/${pod.metadata.name}`, uid, nodeName });
  }

  get latest(): Observation | undefined {
    return this.observations.at(-1);
  }

  /** One observation, kept and returned. Its time is when it began, so it saw nothing older. */
  async observe(): Promise<Observation> {
    const at = this.now();
    const state = await this.files.readState();
    const leaders = state ? await currentLeaders(this.probe, state, this.layout) : {};
    const deployment = this.deployments.store.list().find((d) => d.metadata.name === DeploymentName);
    const runningPods = this.pods.store.list().filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp).length;
    const observation: Observation = {
      at,
      leaders,
      runningPods,
      ...(deployment
        ? {
            desiredReplicas: deployment.spec?.replicas ?? 1,
            readyReplicas: deployment.status?.readyReplicas ?? 0,
            specObserved: (deployment.status?.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 1),
          }
        : {}),
    };
    this.observations.push(observation);
    return observation;
  }

  /** Observes every `everyMs` until `signal` aborts. */
  async run(signal: AbortSignal, everyMs: number): Promise<void> {
    while (!signal.aborted) {
      const started = Date.now();
      await this.observe();
      await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (Date.now() - started))));
    }
  }
}
