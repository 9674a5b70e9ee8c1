import type { ContainerExit, ContainerLaunch, ContainerRuntime, ExecResult, RunningContainer } from './runtime.js';

/**
 * Containers that only pretend: they start at once, run until stopped, pass every probe and use no
 * process, file or port. Lets one machine hold the kubelets and pods of a large cluster for scale tests.
 */
export class HollowRuntime implements ContainerRuntime {
  readonly name = 'hollow';
  readonly version = '0.1.0';
  readonly probesAreReal = false;
  private nextId = 0;

  async start(launch: ContainerLaunch): Promise<RunningContainer> {
    let finish!: (exit: ContainerExit) => void;
    const exited = new Promise<ContainerExit>((resolve) => (finish = resolve));
    return {
      id: `hollow-${launch.containerName}-${++this.nextId}`,
      startedAt: Date.now(),
      exited,
      stop: async () => {
        finish({ exitCode: 0, finishedAt: Date.now() });
        return exited;
      },
    };
  }

  async exec(): Promise<ExecResult> {
    return { exitCode: 0, output: '' };
  }

  async killLeftovers(): Promise<number> {
    return 0;
  }

  async removePod(): Promise<void> {}
}
