import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterFiles } from './cluster-files.js';
import type { ClusterLayout, MasterPlan, WorkerPlan } from './layout.js';
import type { ProcessSpec } from './supervisor.js';

const distSrc = dirname(dirname(fileURLToPath(import.meta.url)));

/** The scripts of the binaries the launcher runs (the same files as the package's bins). */
export const Binaries = {
  kvstore: fileURLToPath(new URL('./cli/kvstore.js', import.meta.resolve('@flotilla/kvstore'))),
  apiserver: join(distSrc, 'apiserver', 'main.js'),
  scheduler: join(distSrc, 'scheduler', 'main.js'),
  controllerManager: join(distSrc, 'controllers', 'main.js'),
  kubelet: join(distSrc, 'kubelet', 'main.js'),
  proxy: join(distSrc, 'proxy', 'main.js'),
} as const;

/** The files each process needs, made by the launcher before it starts them. */
export interface ComponentFiles {
  readonly caFile: string;
  readonly servingCertFile: string;
  readonly servingKeyFile: string;
  readonly serviceAccountKeyFile: string;
  /** kubeconfig per master for its scheduler and controller-manager (talking to its own apiserver). */
  readonly masterKubeconfigs: ReadonlyMap<string, { scheduler: string; controllerManager: string }>;
  /** kubeconfig per worker for its kubelet and kube-proxy (through the front door). */
  readonly workerKubeconfigs: ReadonlyMap<string, { kubelet: string; proxy: string }>;
}

export interface LaunchOptions {
  readonly runtime: 'process' | 'hollow';
  readonly logLevel: string;
  /** How long a node may miss heartbeats before it is NotReady (Kubernetes: 40 s); kubelets heartbeat at a quarter of it. */
  readonly nodeGracePeriodSeconds?: number;
  /** How long pods stay on a NotReady or unreachable node before they are evicted (Kubernetes: 300 s). */
  readonly evictionTimeoutSeconds?: number;
}

/** The flags that carry LaunchOptions' node timing to each component (none when the defaults stand). */
function nodeTimingFlags(component: 'kube-apiserver' | 'kube-controller-manager' | 'kubelet', o: LaunchOptions): string[] {
  const grace = o.nodeGracePeriodSeconds;
  const eviction = o.evictionTimeoutSeconds;
  switch (component) {
    case 'kube-apiserver':
      return eviction === undefined ? [] : [`--default-not-ready-toleration-seconds=${eviction}`, `--default-unreachable-toleration-seconds=${eviction}`];
    case 'kube-controller-manager':
      return grace === undefined ? [] : [`--node-monitor-grace-period=${grace}s`, `--node-monitor-period=${Math.max(1, Math.min(5, Math.floor(grace / 4)))}s`];
    case 'kubelet': {
      if (grace === undefined) return [];
      const every = Math.max(1, Math.min(10, Math.floor(grace / 4)));
      return [`--node-lease-renew-interval=${every}s`, `--node-status-update-frequency=${every}s`];
    }
  }
}

/** The store member of a master, as etcd is started on a kubeadm master. */
function storeMember(layout: ClusterLayout, m: MasterPlan, files: ClusterFiles, options: LaunchOptions): ProcessSpec {
  return {
    host: m.name,
    component: 'kvstore',
    script: Binaries.kvstore,
    logFile: files.logFile(m.name, 'kvstore'),
    args: [
      `--name=${m.name}`,
      `--data-dir=${files.storeDataDir(m.name)}`,
      `--listen-client-urls=${m.storeClientUrl}`,
      `--advertise-client-urls=${m.storeClientUrl}`,
      `--listen-peer-urls=${m.storePeerUrl}`,
      `--initial-advertise-peer-urls=${m.storePeerUrl}`,
      `--initial-cluster=${layout.masters.map((x) => `${x.name}=${x.storePeerUrl}`).join(',')}`,
      '--initial-cluster-token=flotilla',
      `--log-level=${options.logLevel === 'debug' ? 'debug' : 'info'}`,
    ],
  };
}

function apiserver(layout: ClusterLayout, m: MasterPlan, files: ClusterFiles, c: ComponentFiles, options: LaunchOptions): ProcessSpec {
  // Its own member first: reads are served there while the others are unreachable.
  const stores = [m, ...layout.masters.filter((x) => x !== m)].map((x) => x.storeClientUrl);
  return {
    host: m.name,
    component: 'kube-apiserver',
    script: Binaries.apiserver,
    logFile: files.logFile(m.name, 'kube-apiserver'),
    args: [
      `--etcd-servers=${stores.join(',')}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${m.apiserverPort}`,
      `--tls-cert-file=${c.servingCertFile}`,
      `--tls-private-key-file=${c.servingKeyFile}`,
      `--client-ca-file=${c.caFile}`,
      '--authorization-mode=RBAC',
      `--service-account-signing-key-file=${c.serviceAccountKeyFile}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-cluster-ip-range=${layout.serviceClusterIpRange}`,
      // kube-controller-manager runs the namespace finalizer and the garbage collector.
      '--run-builtin-controllers=false',
      `--log-level=${options.logLevel}`,
      ...nodeTimingFlags('kube-apiserver', options),
    ],
  };
}

function leaderElected(component: 'kube-scheduler' | 'kube-controller-manager', m: MasterPlan, files: ClusterFiles, kubeconfig: string, port: number, options: LaunchOptions): ProcessSpec {
  return {
    host: m.name,
    component,
    script: component === 'kube-scheduler' ? Binaries.scheduler : Binaries.controllerManager,
    logFile: files.logFile(m.name, component),
    args: [
      `--kubeconfig=${kubeconfig}`,
      '--bind-address=127.0.0.1',
      `--port=${port}`,
      '--leader-elect=true',
      `--log-level=${options.logLevel}`,
      ...(component === 'kube-controller-manager' ? nodeTimingFlags(component, options) : []),
    ],
  };
}

function workerProcesses(w: WorkerPlan, files: ClusterFiles, c: ComponentFiles, options: LaunchOptions): ProcessSpec[] {
  const kubeconfigs = c.workerKubeconfigs.get(w.name)!;
  return [
    {
      host: w.name,
      component: 'kubelet',
      script: Binaries.kubelet,
      logFile: files.logFile(w.name, 'kubelet'),
      args: [
        `--kubeconfig=${kubeconfigs.kubelet}`,
        `--hostname-override=${w.name}`,
        '--node-ip=127.0.0.1',
        '--bind-address=127.0.0.1',
        `--port=${w.kubeletPort}`,
        `--runtime=${options.runtime}`,
        `--root-dir=${files.kubeletRootDir(w.name)}`,
        `--pod-cidr=${w.podCidr}`,
        `--log-level=${options.logLevel}`,
        ...nodeTimingFlags('kubelet', options),
      ],
    },
    {
      host: w.name,
      component: 'kube-proxy',
      script: Binaries.proxy,
      logFile: files.logFile(w.name, 'kube-proxy'),
      args: [`--kubeconfig=${kubeconfigs.proxy}`, `--hostname-override=${w.name}`, '--bind-address=127.0.0.1', `--port=${w.proxyPort}`, `--log-level=${options.logLevel}`],
    },
  ];
}

/**
 * Every process of the cluster, in the order they start: store members, apiservers, then the
 * leader-elected schedulers and controller-managers, then each worker's kubelet and kube-proxy.
 * (They stop in the reverse order.)
 */
export function clusterProcesses(layout: ClusterLayout, files: ClusterFiles, c: ComponentFiles, options: LaunchOptions): { store: ProcessSpec[]; apiservers: ProcessSpec[]; controllers: ProcessSpec[]; workers: ProcessSpec[] } {
  return {
    store: layout.masters.map((m) => storeMember(layout, m, files, options)),
    apiservers: layout.masters.map((m) => apiserver(layout, m, files, c, options)),
    controllers: layout.masters.flatMap((m) => {
      const k = c.masterKubeconfigs.get(m.name)!;
      return [
        leaderElected('kube-scheduler', m, files, k.scheduler, m.schedulerPort, options),
        leaderElected('kube-controller-manager', m, files, k.controllerManager, m.controllerManagerPort, options),
      ];
    }),
    workers: layout.workers.flatMap((w) => workerProcesses(w, files, c, options)),
  };
}
