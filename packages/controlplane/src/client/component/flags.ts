/**
 * The flags every component binary shares, on the shared command-line parser
 * (apiserver/command-line.ts), plus the value kinds a component's own flags need.
 */
import { applyFlags, FlagError, flagUsage, logLevelFlag, portFlag, type FlagSpec, type FlagTable } from '../../apiserver/command-line.js';
import type { LogLevel } from '../../apiserver/log.js';

export { FlagError, portFlag as port, type FlagSpec, type FlagTable };

/** The flags all components take, so the flotilla launcher runs them alike. */
export interface ComponentFlags {
  kubeconfig?: string;
  bindAddress: string;
  port: number;
  logLevel: LogLevel;
  /** --help or -h was given: print the usage and exit 0. */
  help: boolean;
}

export function bool(name: string, v: string): boolean {
  if (v !== 'true' && v !== 'false') throw new FlagError(`invalid argument "${v}" for "--${name}" flag: strconv.ParseBool: parsing "${v}": invalid syntax`);
  return v === 'true';
}

export function integer(name: string, v: string): number {
  const n = Number(v);
  if (v === '' || !Number.isInteger(n)) throw new FlagError(`invalid argument "${v}" for "--${name}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
  return n;
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration ("15s", "1m30s", "500ms") in milliseconds. */
export function duration(name: string, v: string): number {
  const parts = [...v.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== v) throw new FlagError(`invalid argument "${v}" for "--${name}" flag: time: invalid duration "${v}"`);
  return parts.reduce((ms, p) => ms + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
}

/** --kubeconfig, --bind-address, --port, --log-level and --v, for a flags object extending ComponentFlags. */
export function componentFlagTable<T extends ComponentFlags>(): FlagTable<T> {
  return {
    kubeconfig: { help: 'Path to a kubeconfig file: the apiserver URL and credentials.', set: (f, v) => (f.kubeconfig = v) },
    'bind-address': { help: 'The IP address to serve /metrics and /healthz on (default 127.0.0.1).', set: (f, v) => (f.bindAddress = v) },
    port: { help: 'The port to serve /metrics and /healthz on, plain HTTP (0 picks a free one).', set: (f, v) => (f.port = portFlag('port', v)) },
    'log-level': { help: 'debug, info, warn or error (default info).', set: (f, v) => (f.logLevel = logLevelFlag(v)) },
    v: { help: 'Log verbosity as klog counts it (4 or more: debug).', set: (f, v) => (f.logLevel = integer('v', v) >= 4 ? 'debug' : 'info') },
  };
}

/** The leader-election flags of kube-scheduler and kube-controller-manager, named and defaulted as theirs. */
export interface LeaderElectionFlags {
  leaderElect: boolean;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  leaseNamespace: string;
  leaseName: string;
}

/** Kubernetes' defaults: 15 s lease, 10 s renew deadline, 2 s retry, in kube-system. */
export function leaderElectionDefaults(leaseName: string): LeaderElectionFlags {
  return { leaderElect: true, leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, leaseNamespace: 'kube-system', leaseName };
}

/** --leader-elect and --leader-elect-*, for a component whose Lease is named `leaseName` by default. */
export function leaderElectionFlagTable<T extends LeaderElectionFlags>(leaseName: string): FlagTable<T> {
  return {
    'leader-elect': { help: 'Be active only while holding the leader Lease, so one replica is active among several (default true).', boolean: true, set: (f, v) => (f.leaderElect = bool('leader-elect', v)) },
    'leader-elect-lease-duration': { help: 'How long a standby waits after the last renewal before taking over (default 15s).', set: (f, v) => (f.leaseDurationMs = duration('leader-elect-lease-duration', v)) },
    'leader-elect-renew-deadline': { help: 'How long the leader keeps retrying a renewal before it stops leading (default 10s).', set: (f, v) => (f.renewDeadlineMs = duration('leader-elect-renew-deadline', v)) },
    'leader-elect-retry-period': { help: 'How often to try to acquire or renew the Lease (default 2s).', set: (f, v) => (f.retryPeriodMs = duration('leader-elect-retry-period', v)) },
    'leader-elect-resource-namespace': { help: 'The namespace of the Lease (default kube-system).', set: (f, v) => (f.leaseNamespace = v) },
    'leader-elect-resource-name': { help: `The name of the Lease (default ${leaseName}).`, set: (f, v) => (f.leaseName = v) },
  };
}

/** The one rule between the leader-election flags (the renew deadline must fall inside the lease). */
export function checkLeaderElectionFlags(flags: LeaderElectionFlags): void {
  if (flags.leaderElect && flags.renewDeadlineMs >= flags.leaseDurationMs) throw new FlagError('--leader-elect-renew-deadline must be less than --leader-elect-lease-duration');
}

/** Applies argv to `flags` (holding the defaults) through the table; --help / -h set flags.help. */
export function parseFlagTable<T extends ComponentFlags>(argv: readonly string[], table: FlagTable<T>, flags: T): T {
  const rest = argv.filter((a) => a !== '--help' && a !== '-h');
  if (rest.length !== argv.length) flags.help = true;
  return applyFlags(rest, table, flags);
}

/** A one-line summary, then the shared usage text. */
export function usageOf<T>(command: string, summary: string, table: FlagTable<T>): string {
  return `${summary}\n\n${flagUsage(`${command} [flags]`, table)}\n`;
}
