import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ClusterLayout } from './layout.js';
import type { ProcessState } from './supervisor.js';

/** What a running `flotilla up` publishes for `status`, `kill` and `down` (state.json). */
export interface RunningState {
  readonly supervisorPid: number;
  /** The launcher's control endpoint (POST /kill). */
  readonly controlUrl: string;
  readonly frontDoorUrl: string;
  readonly adminKubeconfig: string;
  readonly processes: readonly ProcessState[];
}

/**
 * The data folder of a cluster (./.flotilla by default, or FLOTILLA_HOME):
 * layout.json (ports, kept for resumes), state.json (while `up` runs), pki/, kubeconfig/,
 * kvstore/<master>/ (each member's data), workers/<worker>/ (each kubelet's root dir),
 * logs/<host>-<component>.log and prometheus.yml.
 */
export class ClusterFiles {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = resolve(dataDir);
  }

  static fromEnvironment(dataDir?: string): ClusterFiles {
    return new ClusterFiles(dataDir ?? process.env.FLOTILLA_HOME ?? '.flotilla');
  }

  get layoutFile(): string {
    return join(this.root, 'layout.json');
  }
  get stateFile(): string {
    return join(this.root, 'state.json');
  }
  get kubeconfigDir(): string {
    return join(this.root, 'kubeconfig');
  }
  get adminKubeconfig(): string {
    return join(this.kubeconfigDir, 'admin.kubeconfig');
  }
  get prometheusConfig(): string {
    return join(this.root, 'prometheus.yml');
  }
  storeDataDir(master: string): string {
    return join(this.root, 'kvstore', master);
  }
  kubeletRootDir(worker: string): string {
    return join(this.root, 'workers', worker);
  }
  logFile(host: string, component: string): string {
    return join(this.root, 'logs', `${host}-${component}.log`);
  }

  async prepare(): Promise<void> {
    for (const dir of [this.root, this.kubeconfigDir, join(this.root, 'logs')]) await mkdir(dir, { recursive: true });
  }

  async readLayout(): Promise<ClusterLayout | undefined> {
    return existsSync(this.layoutFile) ? (JSON.parse(await readFile(this.layoutFile, 'utf8')) as ClusterLayout) : undefined;
  }

  async writeLayout(layout: ClusterLayout): Promise<void> {
    await writeFile(this.layoutFile, JSON.stringify(layout, null, 2) + '\n');
  }

  async readState(): Promise<RunningState | undefined> {
    if (!existsSync(this.stateFile)) return undefined;
    const state = JSON.parse(await readFile(this.stateFile, 'utf8')) as RunningState;
    return isAlive(state.supervisorPid) ? state : undefined;
  }

  /** Replaces the file whole (write, then rename), so a reader never sees half of it. */
  async writeState(state: RunningState): Promise<void> {
    const tmp = `${this.stateFile}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(state, null, 2) + '\n');
    await rename(tmp, this.stateFile);
  }

  async removeState(): Promise<void> {
    await rm(this.stateFile, { force: true });
  }
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
