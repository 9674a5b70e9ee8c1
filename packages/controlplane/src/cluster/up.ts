import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { ClusterFiles, type RunningState } from './cluster-files.js';
import { ControlServer, type ClusterControl } from './control-server.js';
import { chooseVictims } from './kill.js';
import { clusterProcesses, type ComponentFiles, type LaunchOptions } from './components.js';
import { FrontDoor } from './front-door.js';
import { familiarLayout, freePortLayout, portsOf, type ClusterLayout } from './layout.js';
import { ClusterPki, Identities } from './pki.js';
import { Probe, waitFor } from './probe.js';
import { prometheusConfig } from './prometheus-config.js';
import { clusterStatus } from './status.js';
import { ManagedProcess, type ProcessSpec } from './supervisor.js';
import { ProcessRuntime } from '../kubelet/runtime/process-runtime.js';

export interface UpOptions extends LaunchOptions {
  readonly files: ClusterFiles;
  readonly masters: number;
  readonly workers: number;
  /** familiar: 2379/6443/... as documented; auto: ports the OS says are free (kept for resumes either way). */
  readonly ports: 'familiar' | 'auto';
  readonly restartDelayMs: number;
  readonly readyTimeoutMs: number;
  /** Progress lines for the user. */
  readonly say: (line: string) => void;
}

/** A cluster `up` started: its processes (kept running), the front door, and how to stop them. */
export class RunningCluster implements ClusterControl {
  private stopped: Promise<void> | undefined;
  control: ControlServer | undefined;

  constructor(
    readonly layout: ClusterLayout,
    readonly files: ClusterFiles,
    readonly pki: ClusterPki,
    readonly frontDoor: FrontDoor,
    readonly probe: Probe,
    /** In start order; stopped in reverse. */
    readonly processes: ManagedProcess[],
  ) {}

  snapshot(): RunningState {
    return {
      supervisorPid: process.pid,
      controlUrl: this.control?.url ?? '',
      frontDoorUrl: this.frontDoor.url,
      adminKubeconfig: this.files.adminKubeconfig,
      processes: this.processes.map((p) => p.state()),
    };
  }

  async publishState(): Promise<void> {
    if (!this.stopped) await this.files.writeState(this.snapshot());
  }

  async kill(target: string, downForMs: number | undefined): Promise<{ host: string; component: string; pid: number; role: string }[]> {
    const victims = chooseVictims(target, await clusterStatus(this.probe, this.snapshot(), this.layout));
    const killed = [];
    for (const v of victims) {
      const pid = this.processes.find((p) => p.spec.host === v.host && p.spec.component === v.component)?.killHard(downForMs);
      if (pid !== undefined) killed.push({ host: v.host, component: v.component, pid, role: v.role });
    }
    return killed;
  }

  /** Workers first, then controllers, apiservers, the front door, and the store last. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      for (const p of this.processes) p.holdRestarts();
      const byStage = (components: string[]) => this.processes.filter((p) => components.includes(p.spec.component));
      await Promise.all(byStage(['kube-proxy', 'kubelet']).map((p) => p.stop()));
      // A kubelet that was down when the cluster stopped (killed, its restart pending) left its
      // containers running, as a real node would: they go with the cluster.
      for (const w of this.layout.workers) await new ProcessRuntime(this.files.kubeletRootDir(w.name)).killLeftovers();
      await Promise.all(byStage(['kube-scheduler', 'kube-controller-manager']).map((p) => p.stop()));
      await Promise.all(byStage(['kube-apiserver']).map((p) => p.stop()));
      await this.frontDoor.close();
      await Promise.all(byStage(['kvstore']).map((p) => p.stop()));
      await this.control?.close();
      await this.probe.close();
      await this.files.removeState();
    })();
    return this.stopped;
  }
}

/** The layout saved by an earlier `up`, or a new one (saved now). */
async function layoutFor(options: UpOptions): Promise<ClusterLayout> {
  const saved = await options.files.readLayout();
  if (saved) {
    if (saved.masters.length !== options.masters || saved.workers.length !== options.workers) {
      options.say(`resuming the cluster in ${options.files.root} as it was made: ${saved.masters.length} masters, ${saved.workers.length} workers`);
    }
    return saved;
  }
  const layout = options.ports === 'auto' ? await freePortLayout(options.masters, options.workers) : familiarLayout(options.masters, options.workers);
  await options.files.writeLayout(layout);
  return layout;
}

/** Fails early, naming the port, when something else already listens on one the layout needs. */
async function checkPortsFree(layout: ClusterLayout): Promise<void> {
  for (const port of portsOf(layout)) {
    await new Promise<void>((resolve, reject) => {
      const s = createServer();
      s.once('error', (err: NodeJS.ErrnoException) =>
        reject(new Error(err.code === 'EADDRINUSE' ? `port ${port} on 127.0.0.1 is already in use (another cluster, or etcd?); stop it, or start a new data dir with --ports=auto` : err.message)),
      );
      s.listen(port, '127.0.0.1', () => s.close(() => resolve()));
    });
  }
}

async function componentFiles(layout: ClusterLayout, files: ClusterFiles, pki: ClusterPki, frontDoorUrl: string): Promise<ComponentFiles> {
  const masterKubeconfigs = new Map<string, { scheduler: string; controllerManager: string }>();
  for (const m of layout.masters) {
    const local = `https://127.0.0.1:${m.apiserverPort}`;
    masterKubeconfigs.set(m.name, {
      scheduler: await pki.kubeconfig(files.kubeconfigDir, `${m.name}-kube-scheduler`, Identities.scheduler, local),
      controllerManager: await pki.kubeconfig(files.kubeconfigDir, `${m.name}-kube-controller-manager`, Identities.controllerManager, local),
    });
  }
  const workerKubeconfigs = new Map<string, { kubelet: string; proxy: string }>();
  for (const w of layout.workers) {
    workerKubeconfigs.set(w.name, {
      kubelet: await pki.kubeconfig(files.kubeconfigDir, `${w.name}-kubelet`, Identities.node(w.name), frontDoorUrl),
      proxy: await pki.kubeconfig(files.kubeconfigDir, `${w.name}-kube-proxy`, Identities.proxy, frontDoorUrl),
    });
  }
  return {
    caFile: pki.caFile,
    servingCertFile: pki.path('apiserver.crt'),
    servingKeyFile: pki.path('apiserver.key'),
    serviceAccountKeyFile: pki.serviceAccountKeyFile,
    masterKubeconfigs,
    workerKubeconfigs,
  };
}

/**
 * Starts (or resumes) the cluster: store members, then apiservers behind the front door, then
 * schedulers and controller-managers, then workers; waits until every node is Ready. The
 * processes keep running (and are restarted when they die) until RunningCluster.stop().
 */
export async function up(options: UpOptions): Promise<RunningCluster> {
  const { files, say } = options;
  await files.prepare();
  const running = await files.readState();
  if (running) throw new Error(`a cluster is already running from ${files.root} (flotilla up, pid ${running.supervisorPid}); \`flotilla down\` stops it`);
  const resumed = existsSync(files.layoutFile);
  const layout = await layoutFor(options);
  await checkPortsFree(layout);
  say(`${resumed ? 'resuming' : 'creating'} a cluster of ${layout.masters.length} masters and ${layout.workers.length} workers in ${files.root}`);

  const pki = await ClusterPki.forLayout(files.root, layout);
  const frontDoorUrl = `https://127.0.0.1:${layout.frontDoorPort}`;
  const admin = await pki.kubeconfig(files.kubeconfigDir, 'admin', Identities.admin, frontDoorUrl);
  const monitoring = await pki.clientCertificate(Identities.prometheus);
  await writeFile(files.prometheusConfig, prometheusConfig(layout, { caFile: pki.caFile, certFile: monitoring.certFile, keyFile: monitoring.keyFile }));
  for (const w of layout.workers) await mkdir(files.kubeletRootDir(w.name), { recursive: true });
  const specs = clusterProcesses(layout, files, await componentFiles(layout, files, pki, frontDoorUrl), options);

  const processes: ManagedProcess[] = [];
  let cluster: RunningCluster | undefined;
  const publish = () => void cluster?.publishState().catch(() => undefined);
  const launch = (list: ProcessSpec[]) =>
    list.map((spec) => {
      const p = new ManagedProcess(spec, { restartDelayMs: options.restartDelayMs, onChange: publish, report: say });
      processes.push(p);
      p.start();
      return p;
    });
  const frontDoor = await FrontDoor.listen(layout.frontDoorPort, layout.masters.map((m) => m.apiserverPort));
  const probe = await Probe.forCluster(pki);
  cluster = new RunningCluster(layout, files, pki, frontDoor, probe, processes);
  cluster.control = await ControlServer.start(cluster);
  try {
    launch(specs.store);
    say(`store: ${layout.masters.map((m) => m.storeClientUrl).join(', ')}`);
    await waitFor('the store members to be healthy', options.readyTimeoutMs, async () => {
      const answers = await Promise.all(layout.masters.map((m) => probe.get(`${m.storeClientUrl}/health`)));
      return answers.every((a) => a.ok && a.status === 200);
    });
    const apiservers = launch(specs.apiservers);
    await Promise.all(apiservers.map((p) => p.servingUrl(options.readyTimeoutMs)));
    await waitFor('the apiservers to be ready', options.readyTimeoutMs, async () => {
      const answers = await Promise.all(apiservers.map((p) => probe.get(`${p.state().url}/readyz`)));
      return answers.every((a) => a.ok && a.status === 200);
    });
    say(`apiservers ready behind ${frontDoorUrl}`);
    launch(specs.controllers);
    launch(specs.workers);
    await waitFor(`${layout.workers.length} nodes to be Ready`, options.readyTimeoutMs, async () => readyNodes(probe, frontDoorUrl, layout), 500);
    await cluster.publishState();
    say(`all ${layout.workers.length} nodes Ready; admin kubeconfig: ${admin}`);
    return cluster;
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

async function readyNodes(probe: Probe, frontDoorUrl: string, layout: ClusterLayout): Promise<boolean> {
  const nodes = await probe.json<{ items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[] }>(`${frontDoorUrl}/api/v1/nodes`);
  const ready = new Set((nodes?.items ?? []).filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).map((n) => n.metadata.name));
  return layout.workers.every((w) => ready.has(w.name));
}
