import type { ContainerRecord, ContainerState } from './container-state.js';
import { qosClassOf } from '../../api/defaults/pod.js';

type Json = Record<string, any>;

/** Everything the pod's status is computed from. */
export interface PodStatusInput {
  readonly restartPolicy?: string;
  /** The pod's spec, for the QoS class. */
  readonly spec?: Json;
  readonly initContainers: readonly ContainerRecord[];
  readonly containers: readonly ContainerRecord[];
  readonly hostIP: string;
  readonly podIP?: string;
  readonly startTime?: number;
  /** The status last written, whose conditions keep their lastTransitionTime while unchanged. */
  readonly previous?: Json;
  readonly now: number;
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

/** An RFC 3339 time with second precision, as metav1.Time is written. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The pod's phase from its containers, as the kubelet's getPhase decides it: init containers not
 * all done → Pending (Failed when one failed and the pod never restarts); a container that never ran
 * → Pending; any running → Running; all stopped → Succeeded when every one exited 0, Failed under
 * restartPolicy Never, otherwise Running (they are being restarted).
 */
export function podPhase(restartPolicy: string | undefined, initContainers: readonly ContainerRecord[], containers: readonly ContainerRecord[]): PodPhase {
  const policy = restartPolicy ?? 'Always';
  for (const c of initContainers) {
    if (c.state.kind === 'terminated' && c.state.exitCode === 0) continue;
    const failed = (c.state.kind === 'terminated' && c.state.exitCode !== 0) || (c.state.kind === 'waiting' && c.lastTerminated && c.lastTerminated.exitCode !== 0);
    return failed && policy === 'Never' ? 'Failed' : 'Pending';
  }
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  let waiting = 0;
  for (const c of containers) {
    if (c.state.kind === 'running') running++;
    else if (c.state.kind === 'terminated') {
      stopped++;
      if (c.state.exitCode === 0) succeeded++;
    } else if (c.lastTerminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped === containers.length) {
    if (policy === 'Always') return 'Running';
    if (succeeded === stopped) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function stateJson(state: ContainerState, containerID: string | undefined): Json {
  switch (state.kind) {
    case 'waiting':
      return { waiting: { reason: state.reason, ...(state.message ? { message: state.message } : {}) } };
    case 'running':
      return { running: { startedAt: rfc3339(state.startedAt) } };
    case 'terminated':
      return {
        terminated: {
          exitCode: state.exitCode,
          ...(state.signal ? { signal: signalNumber(state.signal) } : {}),
          reason: state.reason,
          ...(state.message ? { message: state.message } : {}),
          startedAt: rfc3339(state.startedAt),
          finishedAt: rfc3339(state.finishedAt),
          ...(state.containerID ?? containerID ? { containerID: state.containerID ?? containerID } : {}),
        },
      };
  }
}

function signalNumber(signal: string): number {
  const numbers: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };
  return numbers[signal] ?? 0;
}

/** One containerStatuses[] entry. */
export function containerStatus(c: ContainerRecord): Json {
  return {
    name: c.name,
    state: stateJson(c.state, c.containerID),
    lastState: c.lastTerminated ? stateJson(c.lastTerminated, undefined) : {},
    ready: c.ready,
    restartCount: c.restartCount,
    image: c.image,
    imageID: '',
    ...(c.containerID ? { containerID: c.containerID } : {}),
    started: c.started,
  };
}

function condition(type: string, ok: boolean, reason: string | undefined, message: string | undefined, previous: Json | undefined, now: number): Json {
  const status = ok ? 'True' : 'False';
  const prior = (previous?.conditions as Json[] | undefined)?.find((c) => c.type === type);
  const lastTransitionTime = prior && prior.status === status && prior.lastTransitionTime ? prior.lastTransitionTime : rfc3339(now);
  return { type, status, lastProbeTime: null, lastTransitionTime, ...(ok || !reason ? {} : { reason, message }) };
}

/**
 * The pod's status: phase, the conditions PodScheduled, Initialized, ContainersReady and Ready,
 * the container statuses, the addresses and the start time. Pure; equal inputs give equal output,
 * so the caller writes it only when it differs from the stored one.
 */
export function computePodStatus(input: PodStatusInput): Json {
  const phase = podPhase(input.restartPolicy, input.initContainers, input.containers);
  const finished = phase === 'Succeeded' || phase === 'Failed';
  const unready = input.containers.filter((c) => !c.ready).map((c) => c.name);
  const uninitialized = input.initContainers.filter((c) => !(c.state.kind === 'terminated' && c.state.exitCode === 0)).map((c) => c.name);
  const initialized = uninitialized.length === 0 || (finished && input.initContainers.length === 0);
  const containersReady = unready.length === 0 && !finished;
  const notReadyReason = finished ? 'PodCompleted' : 'ContainersNotReady';
  const notReadyMessage = finished ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  const { previous, now } = input;
  const conditions = [
    condition('Initialized', initialized, finished ? 'PodCompleted' : 'ContainersNotInitialized', finished ? undefined : `containers with incomplete status: [${uninitialized.join(' ')}]`, previous, now),
    condition('Ready', containersReady, notReadyReason, notReadyMessage, previous, now),
    condition('ContainersReady', containersReady, notReadyReason, notReadyMessage, previous, now),
    condition('PodScheduled', true, undefined, undefined, previous, now),
  ];
  const status: Json = {
    phase,
    conditions,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    ...(input.podIP ? { podIP: input.podIP, podIPs: [{ ip: input.podIP }] } : {}),
    ...(input.startTime !== undefined ? { startTime: rfc3339(input.startTime) } : {}),
    containerStatuses: input.containers.map(containerStatus),
    qosClass: qosClassOf(input.spec ?? {}),
  };
  if (input.initContainers.length > 0) status.initContainerStatuses = input.initContainers.map(containerStatus);
  return status;
}
