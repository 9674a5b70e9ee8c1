/**
 * The container runtime the kubelet drives: start a container, learn when it exits, stop it with
 * a grace period, run a command beside it (exec probes), and clean up what a previous kubelet left.
 * `process` (real child processes) and `hollow` (simulated, for scale tests) implement it.
 */
export interface ContainerExit {
  readonly exitCode: number;
  /** The signal that ended it (SIGTERM, SIGKILL), if any. */
  readonly signal?: string;
  readonly finishedAt: number;
  readonly message?: string;
}

export interface RunningContainer {
  /** Unique within the runtime; containerID is `<runtime>://<id>`. */
  readonly id: string;
  readonly pid?: number;
  readonly startedAt: number;
  /** Resolves once the container has exited (never rejects). */
  readonly exited: Promise<ContainerExit>;
  /** SIGTERM, then SIGKILL once graceMs has passed; resolves with the exit. */
  stop(graceMs: number): Promise<ContainerExit>;
}

/** Where a container comes from: the pod it belongs to and what to run. */
export interface ContainerLaunch {
  readonly podUid: string;
  readonly namespace: string;
  readonly podName: string;
  readonly containerName: string;
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly workingDir?: string;
  /** The run's index (the container's restartCount when it starts): names its log file. */
  readonly attempt: number;
  /** The container's memory limit in bytes, if any. */
  readonly memoryLimitBytes?: number;
}

export interface ExecResult {
  readonly exitCode: number;
  readonly output: string;
}

export class ContainerStartError extends Error {
  constructor(
    /** The waiting reason Kubernetes shows: CreateContainerError, RunContainerError. */
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'ContainerStartError';
  }
}

export interface ContainerRuntime {
  /** "process" or "hollow": the scheme of containerIDs and of nodeInfo.containerRuntimeVersion. */
  readonly name: string;
  readonly version: string;
  /** Whether probes reach something real (false: the hollow runtime, whose probes always pass). */
  readonly probesAreReal: boolean;
  start(launch: ContainerLaunch): Promise<RunningContainer>;
  exec(launch: ContainerLaunch, command: readonly string[], timeoutMs: number): Promise<ExecResult>;
  /** Kills what an earlier kubelet on this root dir left running; answers how many it killed. */
  killLeftovers(): Promise<number>;
  /** Forgets a pod: its log files and bookkeeping go. */
  removePod(podUid: string): Promise<void>;
}
