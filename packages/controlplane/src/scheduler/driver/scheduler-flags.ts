import { bool, componentFlagTable, duration, FlagError, integer, parseFlagTable, usageOf, type ComponentFlags, type FlagTable } from '../../client/component/flags.js';
import { DEFAULT_SCHEDULER_NAME } from '../types.js';

/** kube-scheduler's command line (the flags we implement, names and defaults as Kubernetes'). */
export interface SchedulerFlags extends ComponentFlags {
  leaderElect: boolean;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  leaseNamespace: string;
  leaseName: string;
  schedulerName: string;
  /** Seeds the tie-breaker; logged at start so a run's decisions can be replayed. */
  seed: number;
  podInitialBackoffMs: number;
  podMaxBackoffMs: number;
}

const TABLE: FlagTable<SchedulerFlags> = {
  ...componentFlagTable<SchedulerFlags>(),
  'leader-elect': { help: 'Elect one active scheduler among replicas through a Lease (default true).', boolean: true, set: (f, v) => (f.leaderElect = bool('leader-elect', v)) },
  'leader-elect-lease-duration': { help: 'How long a standby waits after the last renewal before taking over (default 15s).', set: (f, v) => (f.leaseDurationMs = duration('leader-elect-lease-duration', v)) },
  'leader-elect-renew-deadline': { help: 'How long the leader keeps retrying a renewal before it stops leading (default 10s).', set: (f, v) => (f.renewDeadlineMs = duration('leader-elect-renew-deadline', v)) },
  'leader-elect-retry-period': { help: 'How often to try to acquire or renew the lease (default 2s).', set: (f, v) => (f.retryPeriodMs = duration('leader-elect-retry-period', v)) },
  'leader-elect-resource-namespace': { help: 'The namespace of the Lease (default kube-system).', set: (f, v) => (f.leaseNamespace = v) },
  'leader-elect-resource-name': { help: 'The name of the Lease (default kube-scheduler).', set: (f, v) => (f.leaseName = v) },
  'scheduler-name': { help: `Schedule the pods whose spec.schedulerName is this (default ${DEFAULT_SCHEDULER_NAME}).`, set: (f, v) => (f.schedulerName = v) },
  seed: { help: 'Seed of the tie-breaker among equally scored nodes (default: random, logged).', set: (f, v) => (f.seed = integer('seed', v) >>> 0) },
  'pod-initial-backoff-seconds': { help: 'Backoff after a pod first fails to fit (default 1).', set: (f, v) => (f.podInitialBackoffMs = integer('pod-initial-backoff-seconds', v) * 1000) },
  'pod-max-backoff-seconds': { help: 'Longest backoff of a pod that keeps failing (default 10).', set: (f, v) => (f.podMaxBackoffMs = integer('pod-max-backoff-seconds', v) * 1000) },
};

export function schedulerUsage(): string {
  return usageOf('kube-scheduler', 'kube-scheduler assigns pending pods to nodes (filter, score, bind); one replica is active per cluster, by leader election.', TABLE);
}

export function parseSchedulerFlags(argv: readonly string[], randomSeed = () => Math.floor(Math.random() * 2 ** 32)): SchedulerFlags {
  const flags = parseFlagTable<SchedulerFlags>(argv, TABLE, {
    bindAddress: '127.0.0.1',
    port: 10251,
    logLevel: 'info',
    help: false,
    leaderElect: true,
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    leaseNamespace: 'kube-system',
    leaseName: 'kube-scheduler',
    schedulerName: DEFAULT_SCHEDULER_NAME,
    seed: -1,
    podInitialBackoffMs: 1_000,
    podMaxBackoffMs: 10_000,
  });
  if (flags.help) return flags;
  if (!flags.kubeconfig) throw new FlagError('--kubeconfig must be given (the apiserver to schedule for)');
  if (flags.leaderElect && flags.renewDeadlineMs >= flags.leaseDurationMs) throw new FlagError('--leader-elect-renew-deadline must be less than --leader-elect-lease-duration');
  if (flags.podMaxBackoffMs < flags.podInitialBackoffMs) throw new FlagError('--pod-max-backoff-seconds must be at least --pod-initial-backoff-seconds');
  if (flags.seed < 0) flags.seed = randomSeed();
  return flags;
}
