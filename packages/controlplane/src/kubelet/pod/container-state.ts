/** What the kubelet knows of one container of a pod; times are milliseconds since the epoch. */
export type ContainerState =
  | { readonly kind: 'waiting'; readonly reason: string; readonly message?: string }
  | { readonly kind: 'running'; readonly startedAt: number }
  | TerminatedState;

export interface TerminatedState {
  readonly kind: 'terminated';
  readonly exitCode: number;
  readonly signal?: string;
  /** Completed (exit 0), Error, OOMKilled. */
  readonly reason: string;
  readonly message?: string;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly containerID?: string;
}

export interface ContainerRecord {
  readonly name: string;
  readonly image: string;
  restartCount: number;
  state: ContainerState;
  /** The run before the current one, as containerStatuses[].lastState shows it. */
  lastTerminated?: TerminatedState;
  /** runtime://id of the current (or last) run. */
  containerID?: string;
  /** Passed its startup probe (or has none) while running. */
  started: boolean;
  /** Passed its readiness probe (or has none) while running and started. */
  ready: boolean;
}

export function newContainerRecord(name: string, image: string, restartCount = 0): ContainerRecord {
  return { name, image, restartCount, state: { kind: 'waiting', reason: 'ContainerCreating' }, started: false, ready: false };
}

/** The reason Kubernetes gives a container that exited with this code. */
export function terminationReason(exitCode: number, oomKilled = false): string {
  if (oomKilled) return 'OOMKilled';
  return exitCode === 0 ? 'Completed' : 'Error';
}
