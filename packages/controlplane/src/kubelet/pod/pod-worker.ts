import type { Logger } from '../../apiserver/log.js';
import { sleep } from '../../client/index.js';
import { jsonEqual } from '../../api/object.js';
import { value as quantityValue } from '../../scheduler/quantity.js';
import { ContainerProber, type ProbeKind } from '../prober/container-prober.js';
import { ContainerStartError, type ContainerExit, type ContainerLaunch, type ContainerRuntime, type RunningContainer } from '../runtime/runtime.js';
import { afterExit, afterRestart, formatDuration, restartAllowedAt, type BackoffConfig, type BackoffEntry } from './backoff.js';
import { containerArgv, containerEnv, referencedSources } from './container-env.js';
import { newContainerRecord, terminationReason, type ContainerRecord, type TerminatedState } from './container-state.js';
import type { PodIpAllocator } from './pod-ip-allocator.js';
import { computePodStatus } from './pod-status.js';
import { shouldRestart } from './restart-policy.js';

type Json = Record<string, any>;

/** What a pod worker needs from the kubelet around it. */
export interface PodWorkerContext {
  readonly runtime: ContainerRuntime;
  readonly nodeName: string;
  readonly hostIP: string;
  readonly backoff: BackoffConfig;
  readonly ips: PodIpAllocator;
  readonly inheritedEnv: Readonly<Record<string, string>>;
  /** The data of a ConfigMap or (decoded) Secret of the namespace; undefined when there is none. */
  readSource(kind: 'configMaps' | 'secrets', namespace: string, name: string): Promise<Record<string, string> | undefined>;
  /** The Services' variables for a pod of this namespace (see serviceEnv). */
  serviceEnv(namespace: string, enableServiceLinks: boolean): Record<string, string>;
  readonly logger: Logger;
  /** Writes the pod's status (pods/<name>/status). */
  writeStatus(pod: Json, status: Json): Promise<void>;
  /** Deletes the pod for good once its containers are stopped (grace 0, uid precondition). */
  finishDeletion(pod: Json): Promise<void>;
  onProbe?(kind: ProbeKind, ok: boolean): void;
  /** Reports an Event about the pod (Started, BackOff, Killing, Unhealthy, Failed), as the kubelet's recorder. */
  recordEvent?(pod: Json, type: 'Normal' | 'Warning', reason: string, message: string): void;
  onContainerRestart?(): void;
  /** How long one sync took, by operation (sync, or kill for a pod being deleted). */
  onSynced?(operation: 'sync' | 'kill', seconds: number): void;
  /** Told once, when all the pod's containers first run: seconds since the pod was created. */
  onPodStarted?(seconds: number): void;
}

interface Run {
  readonly container: RunningContainer;
  readonly launch: ContainerLaunch;
  readonly prober: ContainerProber;
}

const DEFAULT_GRACE_SECONDS = 30;
const SYNC_RETRY_MS = 1000;
const PROBE_NAMES: Record<ProbeKind, string> = { startup: 'Startup', liveness: 'Liveness', readiness: 'Readiness' };
const MAX_DELETE_RETRY_MS = 30_000;

/**
 * Runs one pod: starts its init containers in order and then its containers, restarts them as the
 * restart policy and the back-off say, runs their probes, writes the pod's status when it changes,
 * and on deletion stops everything within the grace period and deletes the pod object.
 *
 * Invariant: sync() never runs twice at once for a pod; every event (a new pod version, an exit,
 * a probe verdict, a back-off expiring) asks for another sync, and requests made during a sync
 * are folded into one more run after it.
 */
export class PodWorker {
  private readonly init: ContainerRecord[];
  private readonly app: ContainerRecord[];
  private readonly runs = new Map<string, Run>();
  private readonly backoffs = new Map<string, BackoffEntry>();
  private podIP: string | undefined;
  private startTime: number | undefined;
  private lastStatus: Json | undefined;
  private wakeTimer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  private again = false;
  private terminated = false;
  /** Aborted by shutdown(): ends the retries of a deletion that could not be finished. */
  private readonly stopping = new AbortController();
  private startReported = false;
  /** Set once the pod is finished (Succeeded/Failed) when this worker took it over: nothing is run. */
  private readonly alreadyFinished: boolean;

  constructor(
    private pod: Json,
    private readonly ctx: PodWorkerContext,
  ) {
    const previous: Json[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    const record = (c: Json) => {
      const seen = previous.find((s) => s.name === c.name);
      // A container that ran under an earlier kubelet was killed with it: its next run counts as a restart.
      const restarts = seen ? (seen.restartCount ?? 0) + (seen.state?.running || seen.state?.terminated ? 1 : 0) : 0;
      return newContainerRecord(c.name, c.image ?? '', restarts);
    };
    this.init = ((pod.spec?.initContainers ?? []) as Json[]).map(record);
    this.app = ((pod.spec?.containers ?? []) as Json[]).map(record);
    this.lastStatus = pod.status;
    this.alreadyFinished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    if (pod.status?.startTime) this.startTime = Date.parse(pod.status.startTime);
  }

  get uid(): string {
    return this.pod.metadata.uid;
  }

  get current(): Json {
    return this.pod;
  }

  /** Containers running now. */
  get runningContainers(): number {
    return this.runs.size;
  }

  /** The state of a container by name (for the log server: which attempt is current, is it running). */
  containerRecord(name: string): ContainerRecord | undefined {
    return this.app.find((c) => c.name === name) ?? this.init.find((c) => c.name === name);
  }

  isRunning(name: string): boolean {
    return this.runs.has(name);
  }

  /** A newer version of the pod from the informer. */
  update(pod: Json): void {
    this.pod = pod;
    this.requestSync();
  }

  requestSync(): void {
    if (this.terminated) return;
    if (this.syncing) {
      this.again = true;
      return;
    }
    this.syncing = (async () => {
      do {
        this.again = false;
        const began = performance.now();
        try {
          await this.sync();
          this.ctx.onSynced?.(this.pod.metadata.deletionTimestamp ? 'kill' : 'sync', (performance.now() - began) / 1000);
        } catch (err) {
          // Most often the apiserver did not take the status: try again soon (a later sync rearms any back-off timer).
          this.ctx.logger.error('pod sync failed', { pod: this.describe(), error: (err as Error).message });
          this.wakeAt(Date.now() + SYNC_RETRY_MS);
        }
      } while (this.again && !this.terminated);
      this.syncing = undefined;
    })();
  }

  /** The kubelet is stopping: stop the containers (within the grace period), keep their logs. */
  async shutdown(): Promise<void> {
    this.terminated = true;
    this.stopping.abort();
    clearTimeout(this.wakeTimer);
    await this.syncing;
    await this.stopAll();
  }

  /** The pod is gone from the apiserver (deleted without us, or no longer bound here): stop everything, remove its files. */
  async forget(): Promise<void> {
    await this.shutdown();
    await this.ctx.runtime.removePod(this.uid);
    this.ctx.ips.release(this.uid);
  }

  private event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.ctx.recordEvent?.(this.pod, type, reason, message);
  }

  private describe(): string {
    return `${this.pod.metadata.namespace}/${this.pod.metadata.name}`;
  }

  private graceMs(): number {
    const grace = this.pod.metadata.deletionGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
    return Math.max(0, grace) * 1000;
  }

  private async sync(): Promise<void> {
    if (this.pod.metadata.deletionTimestamp) return this.terminate();
    if (this.alreadyFinished) return;
    const now = Date.now();
    if (this.podIP === undefined) this.podIP = this.pod.spec?.hostNetwork ? this.ctx.hostIP : this.ctx.ips.allocate(this.uid, this.pod.status?.podIP);
    this.startTime ??= now;
    const specs = this.pod.spec ?? {};
    let initialized = true;
    for (const [i, rec] of this.init.entries()) {
      const outcome = await this.step(rec, specs.initContainers[i], true, now);
      if (outcome !== 'done' || (rec.state.kind === 'terminated' && rec.state.exitCode !== 0)) {
        initialized = false;
        break;
      }
    }
    if (initialized) for (const [i, rec] of this.app.entries()) await this.step(rec, specs.containers[i], false, now);
    if (!this.startReported && this.app.length > 0 && this.app.every((c) => c.state.kind === 'running')) {
      this.startReported = true;
      const created = Date.parse(this.pod.metadata.creationTimestamp ?? '');
      if (!Number.isNaN(created)) this.ctx.onPodStarted?.(Math.max(0, (Date.now() - created) / 1000));
    }
    await this.publishStatus();
  }

  /**
   * Moves one container on: starts it if it never ran, restarts it after an exit when the policy
   * wants and the back-off allows. Answers 'running', 'waiting' (not yet), or 'done' (it exited and stays so).
   */
  private async step(rec: ContainerRecord, spec: Json, isInit: boolean, now: number): Promise<'running' | 'waiting' | 'done'> {
    if (rec.state.kind === 'running') return 'running';
    const exit: TerminatedState | undefined = rec.state.kind === 'terminated' ? rec.state : rec.state.reason === 'CrashLoopBackOff' ? rec.lastTerminated : undefined;
    if (exit) {
      const policy = isInit && this.pod.spec?.restartPolicy === 'Always' ? 'OnFailure' : this.pod.spec?.restartPolicy;
      if (!shouldRestart(policy, exit.exitCode)) return 'done';
      const entry = this.backoffs.get(rec.name);
      const allowedAt = restartAllowedAt(entry, exit.finishedAt);
      if (now < allowedAt) {
        rec.lastTerminated = exit;
        const message = `back-off ${formatDuration(entry!.delayMs)} restarting failed container=${rec.name} pod=${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.uid})`;
        if (rec.state.kind !== 'waiting' || rec.state.reason !== 'CrashLoopBackOff') this.event('Warning', 'BackOff', `Back-off restarting failed container ${rec.name} in pod ${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.uid})`);
        rec.state = { kind: 'waiting', reason: 'CrashLoopBackOff', message };
        this.wakeAt(allowedAt);
        return 'waiting';
      }
      this.backoffs.set(rec.name, afterRestart(entry, this.ctx.backoff));
      rec.lastTerminated = exit;
      rec.restartCount++;
      this.ctx.onContainerRestart?.();
    }
    await this.startContainer(rec, spec);
    return this.runs.has(rec.name) ? 'running' : 'waiting';
  }

  private async startContainer(rec: ContainerRecord, spec: Json): Promise<void> {
    rec.state = { kind: 'waiting', reason: 'ContainerCreating' };
    let launch: ContainerLaunch;
    let container: RunningContainer;
    try {
      const sources = await this.readSources(spec);
      const env = containerEnv(this.pod, spec, {
        ...sources, podIP: this.podIP!, hostIP: this.ctx.hostIP, nodeName: this.ctx.nodeName, inherited: this.ctx.inheritedEnv,
        services: this.ctx.serviceEnv(this.pod.metadata.namespace, this.pod.spec?.enableServiceLinks !== false),
      });
      const memory = spec.resources?.limits?.memory;
      launch = {
        podUid: this.uid,
        namespace: this.pod.metadata.namespace,
        podName: this.pod.metadata.name,
        containerName: rec.name,
        command: containerArgv(spec, env),
        env,
        workingDir: spec.workingDir || undefined,
        attempt: rec.restartCount,
        memoryLimitBytes: memory !== undefined ? quantityValue(memory) : undefined,
      };
      container = await this.ctx.runtime.start(launch);
    } catch (err) {
      const reason = err instanceof ContainerStartError ? err.reason : 'CreateContainerError';
      rec.state = { kind: 'waiting', reason, message: (err as Error).message };
      this.ctx.logger.warn('container failed to start', { pod: this.describe(), container: rec.name, reason, error: (err as Error).message });
      this.event('Warning', 'Failed', `Error: ${(err as Error).message}`);
      this.wakeAt(Date.now() + this.ctx.backoff.baseMs);
      return;
    }
    rec.state = { kind: 'running', startedAt: container.startedAt };
    this.event('Normal', 'Started', `Started container ${rec.name}`);
    this.ctx.logger.info('container started', { pod: this.describe(), container: rec.name, containerID: `${this.ctx.runtime.name}://${container.id}`, pid: container.pid, attempt: rec.restartCount });
    rec.containerID = `${this.ctx.runtime.name}://${container.id}`;
    rec.started = false;
    rec.ready = false;
    const prober = new ContainerProber(spec, { runtime: this.ctx.runtime, launch, container: spec, podIP: this.podIP! }, container.startedAt, {
      onChange: (started, ready) => {
        if (!this.runs.has(rec.name)) return;
        rec.started = started;
        rec.ready = ready;
        this.requestSync();
      },
      onFailure: (kind, message) => {
        this.ctx.logger.info('container failed its probe, restarting it', { pod: this.describe(), container: rec.name, probe: kind, message });
        this.event('Normal', 'Killing', `Container ${rec.name} failed ${kind} probe, will be restarted`);
        void container.stop(this.graceMs());
      },
      onProbe: (kind, ok, message) => {
        this.ctx.onProbe?.(kind, ok);
        if (!ok) this.event('Warning', 'Unhealthy', `${PROBE_NAMES[kind]} probe failed: ${message}`);
      },
    });
    this.runs.set(rec.name, { container, launch, prober });
    void container.exited.then((exit) => this.exited(rec, container, exit));
    prober.start();
  }

  private exited(rec: ContainerRecord, container: RunningContainer, exit: ContainerExit): void {
    const run = this.runs.get(rec.name);
    if (run?.container !== container) return;
    run.prober.stop();
    this.runs.delete(rec.name);
    this.ctx.logger.info('container exited', { pod: this.describe(), container: rec.name, exitCode: exit.exitCode, signal: exit.signal });
    rec.started = false;
    rec.ready = false;
    rec.state = {
      kind: 'terminated',
      exitCode: exit.exitCode,
      signal: exit.signal,
      reason: terminationReason(exit.exitCode),
      message: exit.message,
      startedAt: container.startedAt,
      finishedAt: exit.finishedAt,
      containerID: rec.containerID,
    };
    const entry = afterExit(this.backoffs.get(rec.name), exit.finishedAt - container.startedAt, this.ctx.backoff);
    if (entry) this.backoffs.set(rec.name, entry);
    else this.backoffs.delete(rec.name);
    this.requestSync();
  }

  private async readSources(spec: Json): Promise<{ configMaps: Record<string, Record<string, string>>; secrets: Record<string, Record<string, string>> }> {
    const wanted = referencedSources(spec);
    const read = async (kind: 'configMaps' | 'secrets', names: Set<string>) => {
      const found: Record<string, Record<string, string>> = {};
      for (const name of names) {
        const data = await this.ctx.readSource(kind, this.pod.metadata.namespace, name);
        if (data) found[name] = data;
      }
      return found;
    };
    return { configMaps: await read('configMaps', wanted.configMaps), secrets: await read('secrets', wanted.secrets) };
  }

  private wakeAt(at: number): void {
    clearTimeout(this.wakeTimer);
    this.wakeTimer = setTimeout(() => this.requestSync(), Math.max(0, at - Date.now()) + 5);
  }

  private async publishStatus(): Promise<void> {
    const status = computePodStatus({
      restartPolicy: this.pod.spec?.restartPolicy,
      spec: this.pod.spec,
      initContainers: this.init,
      containers: this.app,
      hostIP: this.ctx.hostIP,
      podIP: this.podIP,
      startTime: this.startTime,
      previous: this.lastStatus,
      now: Date.now(),
    });
    if (jsonEqual(status, this.lastStatus)) return;
    await this.ctx.writeStatus(this.pod, status);
    this.lastStatus = status;
  }

  private async stopAll(): Promise<void> {
    const graceMs = this.graceMs();
    await Promise.all(
      [...this.runs.values()].map(async (run) => {
        run.prober.stop();
        await run.container.stop(graceMs);
      }),
    );
  }

  /** Deletion: stop every container within the grace period, write the last status, delete the pod. */
  private async terminate(): Promise<void> {
    this.terminated = true;
    clearTimeout(this.wakeTimer);
    this.ctx.logger.info('stopping pod', { pod: this.describe(), graceSeconds: this.graceMs() / 1000 });
    for (const name of this.runs.keys()) this.event('Normal', 'Killing', `Stopping container ${name}`);
    await this.stopAll();
    // Let the exit handlers record the final states before the last status is computed.
    await new Promise((resolve) => setImmediate(resolve));
    await this.publishStatus().catch((err: Error) => this.ctx.logger.warn('final pod status not written', { pod: this.describe(), error: err.message }));
    await this.ctx.runtime.removePod(this.uid);
    this.ctx.ips.release(this.uid);
    // The pod object must go once its containers are stopped: retry until it does or the kubelet stops.
    for (let delay = SYNC_RETRY_MS; !this.stopping.signal.aborted; delay = Math.min(delay * 2, MAX_DELETE_RETRY_MS)) {
      try {
        await this.ctx.finishDeletion(this.pod);
        return;
      } catch (err) {
        this.ctx.logger.warn('deleting the stopped pod failed, will retry', { pod: this.describe(), error: (err as Error).message });
        await sleep(delay, this.stopping.signal);
      }
    }
  }
}
