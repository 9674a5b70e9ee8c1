import { checkLeaderElectionFlags, componentFlagTable, FlagError, integer, leaderElectionDefaults, leaderElectionFlagTable, parseFlagTable, usageOf, type ComponentFlags, type FlagTable, type LeaderElectionFlags } from '../../client/component/flags.js';
import { DEFAULT_SCHEDULER_NAME } from '../types.js';

/** kube-scheduler's command line (the flags we implement, names and defaults as Kubernetes'). */
export interface SchedulerFlags extends ComponentFlags, LeaderElectionFlags {
  schedulerName: string;
  /** Seeds the tie-breaker; logged at start so a run's decisions can be replayed. */
  seed: number;
  podInitialBackoffMs: number;
  podMaxBackoffMs: number;
}

const TABLE: FlagTable<SchedulerFlags> = {
  ...componentFlagTable<SchedulerFlags>(),
  ...leaderElectionFlagTable<SchedulerFlags>('kube-scheduler'),
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
    ...leaderElectionDefaults('kube-scheduler'),
    schedulerName: DEFAULT_SCHEDULER_NAME,
    seed: -1,
    podInitialBackoffMs: 1_000,
    podMaxBackoffMs: 10_000,
  });
  if (flags.help) return flags;
  if (!flags.kubeconfig) throw new FlagError('--kubeconfig must be given (the apiserver to schedule for)');
  checkLeaderElectionFlags(flags);
  if (flags.podMaxBackoffMs < flags.podInitialBackoffMs) throw new FlagError('--pod-max-backoff-seconds must be at least --pod-initial-backoff-seconds');
  if (flags.seed < 0) flags.seed = randomSeed();
  return flags;
}
