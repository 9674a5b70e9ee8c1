import { enabledControllers, UnknownControllerError } from './catalog.js';
import { checkLeaderElectionFlags, componentFlagTable, duration as goDuration, FlagError, integer, leaderElectionDefaults, leaderElectionFlagTable, parseFlagTable, usageOf, type ComponentFlags, type FlagTable, type LeaderElectionFlags } from '../client/component/flags.js';

/** kube-controller-manager's command line: the flags we implement, named and defaulted as Kubernetes'. */
export interface ControllerManagerFlags extends ComponentFlags, LeaderElectionFlags {
  /** `*` (every controller), names to enable, `-name` to disable. */
  controllers: string[];
  nodeMonitorPeriodMs: number;
  nodeMonitorGracePeriodMs: number;
  concurrentDeploymentSyncs: number;
  concurrentReplicaSetSyncs: number;
  concurrentDaemonSetSyncs: number;
  concurrentEndpointSyncs: number;
  concurrentNamespaceSyncs: number;
  concurrentGcSyncs: number;
}

const workers = (name: string, v: string) => {
  const n = integer(name, v);
  if (n < 1) throw new FlagError(`invalid argument "${v}" for "--${name}" flag: must be a positive integer`);
  return n;
};

const duration = (key: keyof ControllerManagerFlags, name: string, help: string) => ({
  set: (f: ControllerManagerFlags, v: string) => ((f[key] as number) = goDuration(name, v)),
  help,
});

const FLAGS: FlagTable<ControllerManagerFlags> = {
  ...componentFlagTable<ControllerManagerFlags>(),
  controllers: {
    set: (f, v) => (f.controllers = v.split(',').map((s) => s.trim()).filter(Boolean)),
    help: "Controllers to run: '*' for all, 'foo' to enable, '-foo' to disable (default *).",
  },
  ...leaderElectionFlagTable<ControllerManagerFlags>('kube-controller-manager'),
  'node-monitor-period': duration('nodeMonitorPeriodMs', 'node-monitor-period', 'How often node heartbeats are checked (default 5s).'),
  'node-monitor-grace-period': duration('nodeMonitorGracePeriodMs', 'node-monitor-grace-period', 'A node silent for this long is marked Unknown and tainted unreachable (default 40s).'),
  'concurrent-deployment-syncs': { set: (f, v) => (f.concurrentDeploymentSyncs = workers('concurrent-deployment-syncs', v)), help: 'Deployments synced at once (default 5).' },
  'concurrent-replicaset-syncs': { set: (f, v) => (f.concurrentReplicaSetSyncs = workers('concurrent-replicaset-syncs', v)), help: 'ReplicaSets synced at once (default 5).' },
  'concurrent-daemonset-syncs': { set: (f, v) => (f.concurrentDaemonSetSyncs = workers('concurrent-daemonset-syncs', v)), help: 'DaemonSets synced at once (default 2).' },
  'concurrent-endpoint-syncs': { set: (f, v) => (f.concurrentEndpointSyncs = workers('concurrent-endpoint-syncs', v)), help: 'Services whose Endpoints are synced at once (default 5).' },
  'concurrent-namespace-syncs': { set: (f, v) => (f.concurrentNamespaceSyncs = workers('concurrent-namespace-syncs', v)), help: 'Namespaces deleted at once (default 10).' },
  'concurrent-gc-syncs': { set: (f, v) => (f.concurrentGcSyncs = workers('concurrent-gc-syncs', v)), help: 'Garbage collector workers (default 20).' },
};

export function usage(): string {
  return usageOf('kube-controller-manager', 'kube-controller-manager runs the controllers (ReplicaSet, Deployment, DaemonSet, Endpoints, node lifecycle, namespace, garbage collector); one replica is active per cluster, by leader election.', FLAGS);
}

export function parseFlags(argv: readonly string[]): ControllerManagerFlags {
  const flags = parseFlagTable<ControllerManagerFlags>(argv, FLAGS, {
    bindAddress: '127.0.0.1',
    port: 10257,
    controllers: ['*'],
    ...leaderElectionDefaults('kube-controller-manager'),
    nodeMonitorPeriodMs: 5_000,
    nodeMonitorGracePeriodMs: 40_000,
    concurrentDeploymentSyncs: 5,
    concurrentReplicaSetSyncs: 5,
    concurrentDaemonSetSyncs: 2,
    concurrentEndpointSyncs: 5,
    concurrentNamespaceSyncs: 10,
    concurrentGcSyncs: 20,
    logLevel: 'info',
    help: false,
  });
  if (flags.help) return flags;
  if (!flags.kubeconfig) throw new FlagError('--kubeconfig is required');
  try {
    enabledControllers(flags.controllers);
  } catch (err) {
    if (err instanceof UnknownControllerError) throw new FlagError(`--controllers: ${err.message}`);
    throw err;
  }
  checkLeaderElectionFlags(flags);
  return flags;
}
