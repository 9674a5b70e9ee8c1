import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeObject } from '../api/object.js';
import type { Logger } from '../apiserver/log.js';
import { EventRecorder, Informer, isConflict, isNotFound, Resources, type RestClient } from '../client/index.js';
import { KubeletMetrics } from './kubelet-metrics.js';
import { NodeHeartbeat, type HeartbeatTiming } from './node/node-heartbeat.js';
import type { NodeIdentity } from './node/node-object.js';
import type { BackoffConfig } from './pod/backoff.js';
import { serviceEnv } from './pod/service-env.js';
import { PodIpAllocator } from './pod/pod-ip-allocator.js';
import { PodWorker, type PodWorkerContext } from './pod/pod-worker.js';
import { HollowRuntime } from './runtime/hollow-runtime.js';
import { ProcessRuntime } from './runtime/process-runtime.js';
import type { ContainerRuntime } from './runtime/runtime.js';
import { kubeletRoutes } from './server/kubelet-server.js';
import { startComponentServer, type ComponentServer } from '../client/component/component-server.js';

type Json = Record<string, any>;

export interface KubeletOptions {
  /** The node as registered; its port is filled in once the server listens. */
  readonly node: Omit<NodeIdentity, 'port' | 'containerRuntimeVersion'>;
  readonly runtime: 'process' | 'hollow';
  readonly rootDir: string;
  readonly bindAddress: string;
  /** 0: the OS chooses. */
  readonly port: number;
  readonly heartbeat: HeartbeatTiming;
  readonly backoff: BackoffConfig;
  readonly logger: Logger;
}

/** How long one wait for an informer's first list lasts before a warning and another wait. */
const SYNC_WAIT_MS = 10_000;

/** The fields of a pod's status the kubelet owns; those it leaves out are written as null so a merge patch removes them. */
const OWNED_STATUS_FIELDS = ['phase', 'conditions', 'hostIP', 'hostIPs', 'podIP', 'podIPs', 'startTime', 'containerStatuses', 'initContainerStatuses', 'message', 'reason'];

/**
 * A kubelet: registers its node and keeps it alive, watches the pods bound to it
 * (fieldSelector spec.nodeName) and runs each through its own PodWorker on the chosen runtime,
 * and serves logs, pods, health and metrics over HTTP.
 */
export class Kubelet {
  readonly metrics: KubeletMetrics;
  private readonly workers = new Map<string, PodWorker>();
  private readonly runtime: ContainerRuntime;
  private readonly informer: Informer<KubeObject>;
  /** Every Service, for the containers' service variables. */
  private readonly services: Informer<KubeObject>;
  private readonly ips: PodIpAllocator;
  private readonly events: EventRecorder;
  private heartbeat: NodeHeartbeat | undefined;
  private server: ComponentServer | undefined;
  private listeningPort = 0;
  private stopped = false;

  private constructor(
    private readonly client: RestClient,
    private readonly options: KubeletOptions,
  ) {
    this.runtime = options.runtime === 'process' ? new ProcessRuntime(options.rootDir) : new HollowRuntime();
    this.ips = new PodIpAllocator(options.node.podCIDR);
    this.informer = new Informer<KubeObject>(client, Resources.pods, { fieldSelector: `spec.nodeName=${options.node.name}`, logger: options.logger });
    this.services = new Informer<KubeObject>(client, Resources.services, { logger: options.logger });
    this.events = new EventRecorder(client, { component: 'kubelet', host: options.node.name, logger: options.logger });
    this.metrics = new KubeletMetrics(options.node.name, {
      runningPods: () => [...this.workers.values()].filter((w) => w.runningContainers > 0).length,
      runningContainers: () => [...this.workers.values()].reduce((n, w) => n + w.runningContainers, 0),
    });
  }

  /** A kubelet serving and running: listen() then run(); stopped again if either fails. */
  static async start(client: RestClient, options: KubeletOptions): Promise<Kubelet> {
    const kubelet = Kubelet.create(client, options);
    try {
      await kubelet.listen();
      await kubelet.run();
    } catch (err) {
      await kubelet.stop();
      throw err;
    }
    return kubelet;
  }

  /** A kubelet that does nothing yet: listen() starts its HTTP endpoints, run() its work. */
  static create(client: RestClient, options: KubeletOptions): Kubelet {
    return new Kubelet(client, options);
  }

  get port(): number {
    return this.listeningPort;
  }

  get url(): string {
    return `http://${this.options.bindAddress}:${this.listeningPort}`;
  }

  get nodeName(): string {
    return this.options.node.name;
  }

  /** Kills what an earlier kubelet left running and serves /metrics, /healthz, /pods and /containerLogs. */
  async listen(): Promise<void> {
    const { logger } = this.options;
    const killed = await this.runtime.killLeftovers();
    if (killed > 0) logger.info('killed containers left by an earlier kubelet', { count: killed });
    this.server = await startComponentServer({
      bindAddress: this.options.bindAddress,
      port: this.options.port,
      registry: this.metrics.registry,
      readiness: { 'pods-synced': () => this.informer.hasSynced() || 'the pods bound to this node are not listed yet' },
      routes: kubeletRoutes({ rootDir: this.options.rootDir, logger, workers: () => [...this.workers.values()] }),
    });
    this.listeningPort = Number(new URL(this.server.url).port);
  }

  /**
   * Registers the node (waiting for the apiserver if need be), then runs the pods bound to it;
   * resolves once they are listed, or early when stop() is called meanwhile.
   */
  async run(): Promise<void> {
    const { logger } = this.options;
    const port = this.listeningPort;
    const identity: NodeIdentity = { ...this.options.node, port, containerRuntimeVersion: `${this.runtime.name}://${this.runtime.version}` };
    this.heartbeat = new NodeHeartbeat(this.client, identity, this.options.heartbeat, logger);
    await this.heartbeat.start();
    // stop() may come while the apiserver is awaited: nothing more may start after it.
    if (this.stopped) return this.heartbeat.stop();
    // Node events name the node by its name as uid, as the kubelet's do.
    this.events.event({ apiVersion: 'v1', kind: 'Node', metadata: { name: identity.name, uid: identity.name } }, 'Normal', 'Starting', 'Starting kubelet.');
    // Services first, so the first containers already see their variables (as the kubelet waits for them).
    this.services.start();
    await this.untilSynced(this.services);
    if (this.stopped) return;
    this.informer.addEventHandler({
      onAdd: (pod) => this.podChanged(pod as Json),
      onUpdate: (old, pod) => {
        // Same name, new uid: the pod was deleted and created again between two events.
        if (old.metadata.uid !== pod.metadata.uid) this.podGone(old as Json);
        this.podChanged(pod as Json);
      },
      onDelete: (pod) => this.podGone(pod as Json),
    });
    this.informer.start();
    await this.untilSynced(this.informer);
    if (this.stopped) return;
    await this.removeDirsOfGonePods();
  }

  /** Waits for an informer's first list however long the apiserver takes (an informer that stops counts as done). */
  private async untilSynced(informer: Informer<KubeObject>): Promise<void> {
    while (!informer.hasSynced() && !this.stopped) {
      await informer.waitForSync(SYNC_WAIT_MS).catch(() => this.options.logger.warn('still waiting for the first list', { resource: informer.ref.resource }));
    }
  }

  private workerContext(): PodWorkerContext {
    const { node, backoff, logger } = this.options;
    return {
      runtime: this.runtime,
      nodeName: node.name,
      hostIP: node.nodeIP,
      backoff,
      ips: this.ips,
      inheritedEnv: inheritedEnv(),
      readSource: (kind, namespace, name) => this.readSource(kind, namespace, name),
      serviceEnv: (namespace, links) => serviceEnv(this.services.store.list() as Json[], namespace, links),
      logger,
      writeStatus: (pod, status) => this.writeStatus(pod, status),
      finishDeletion: (pod) => this.finishDeletion(pod),
      onProbe: (kind, ok) => this.metrics.probes.inc({ probe_type: kind, result: ok ? 'successful' : 'failed' }),
      recordEvent: (pod, type, reason, message) => this.events.event({ ...(pod as KubeObject), apiVersion: 'v1', kind: 'Pod' }, type, reason, message),
      onContainerRestart: () => this.metrics.containerRestarts.inc(),
      onSynced: (operation, seconds) => this.metrics.podWorkerDuration.observe({ operation }, seconds),
      onPodStarted: (seconds) => this.metrics.podStartDuration.observe(seconds),
    };
  }

  private podChanged(pod: Json): void {
    const uid = pod.metadata.uid as string;
    let worker = this.workers.get(uid);
    if (!worker) {
      worker = new PodWorker(pod, this.workerContext());
      this.workers.set(uid, worker);
    }
    worker.update(pod);
  }

  private podGone(pod: Json): void {
    const worker = this.workers.get(pod.metadata.uid);
    if (!worker) return;
    this.workers.delete(pod.metadata.uid);
    void worker.forget().catch((err: Error) => this.options.logger.error('stopping a deleted pod failed', { pod: pod.metadata.name, error: err.message }));
  }

  private async writeStatus(pod: Json, status: Json): Promise<void> {
    const patch: Json = {};
    for (const field of OWNED_STATUS_FIELDS) patch[field] = status[field] ?? null;
    try {
      await this.client.patch(Resources.pods, pod.metadata.name, { status: patch }, 'merge', { namespace: pod.metadata.namespace, subresource: 'status' });
    } catch (err) {
      // The pod is gone (or was replaced by one of the same name): there is no status left to write.
      if (isNotFound(err) || isConflict(err)) return;
      throw err;
    }
  }

  /** A ConfigMap's data, or a Secret's data decoded; undefined when it does not exist. */
  private async readSource(kind: 'configMaps' | 'secrets', namespace: string, name: string): Promise<Record<string, string> | undefined> {
    try {
      const obj = (await this.client.get(kind === 'configMaps' ? Resources.configmaps : Resources.secrets, name, { namespace })) as Json;
      if (kind === 'configMaps') return { ...obj.data };
      return Object.fromEntries(Object.entries((obj.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private async finishDeletion(pod: Json): Promise<void> {
    try {
      await this.client.delete(Resources.pods, pod.metadata.name, { namespace: pod.metadata.namespace, gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
      this.options.logger.info('pod deleted', { pod: `${pod.metadata.namespace}/${pod.metadata.name}` });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }

  /** Pod folders under the root dir whose pods no longer exist (deleted while this kubelet was down). */
  private async removeDirsOfGonePods(): Promise<void> {
    const pods = join(this.options.rootDir, 'pods');
    for (const entry of await readdir(pods).catch(() => [] as string[])) {
      const uid = entry.slice(entry.lastIndexOf('_') + 1);
      if (!this.workers.has(uid)) await rm(join(pods, entry), { recursive: true, force: true });
    }
  }

  /** Stops watching and heart-beating, and stops every container (each with its pod's grace period). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.informer.stop();
    await this.services.stop();
    await this.heartbeat?.stop();
    const workers = [...this.workers.values()];
    this.workers.clear();
    await Promise.all(workers.map((w) => w.shutdown()));
    await this.events.flush();
    await this.server?.close();
  }
}

/** What every container inherits from the kubelet: PATH (so a command resolves without a shell), HOME, LANG, TZ. */
function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'LANG', 'TZ']) if (process.env[name] !== undefined) env[name] = process.env[name]!;
  return env;
}
