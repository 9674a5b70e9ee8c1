import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FAULT_KINDS, NETWORK_FAULTS, type FaultKind } from './faults/index.js';
import { ETCD_DEFAULT_TIMING, type RaftTiming } from './member-process.js';

/** The availability limit for the members we start: 3 election timeouts from losing the leader to a write succeeding. */
export const ELECTION_TIMEOUTS_OF_UNAVAILABILITY = 3;
export const DEFAULT_MAX_UNAVAILABLE_MS = ELECTION_TIMEOUTS_OF_UNAVAILABILITY * ETCD_DEFAULT_TIMING.electionTimeoutMs;
/** etcd refuses an election timeout shorter than 5 heartbeats. */
const MIN_HEARTBEATS_PER_ELECTION = 5;

/** What a chaos run does. Parsing is pure: argv, cwd and a fallback seed in, options or a ChaosUsageError out. */
export interface ChaosOptions {
  /** Members to start (ignored with `endpoints`). */
  readonly members: 3 | 5;
  readonly durationMs: number;
  readonly faults: readonly FaultKind[];
  /** Time between fault starts. */
  readonly intervalMs: number;
  readonly clients: number;
  readonly keys: number;
  /** Operations per second for all clients together; 0: as fast as answers come. */
  readonly rate: number;
  readonly seed: number;
  /** Folder for report.json and report.html. */
  readonly out: string;
  /** Attach to a running cluster at these client URLs instead of starting one. */
  readonly endpoints: readonly string[] | undefined;
  /** How long one operation may take before its outcome is unknown. */
  readonly opTimeoutMs: number;
  readonly leaseTtlSeconds: number;
  /** Watchers on the workload's prefix. */
  readonly watchers: number;
  /**
   * The longest acceptable time from a leader-losing fault to the first write succeeding; longer is
   * an availability violation. Undefined: windows are only reported.
   */
  readonly maxUnavailableMs: number | undefined;
  /** The members started here run with this heartbeat and election timeout. */
  readonly timing: RaftTiming;
  /** Added to each started member's environment; for tests only (e.g. FLOTILLA_UNSAFE_FOLLOWER_READS). */
  readonly memberEnv?: Readonly<Record<string, string>>;
}

export class ChaosUsageError extends Error {
  override readonly name = 'ChaosUsageError';
}

export class ChaosHelpRequested extends Error {
  override readonly name = 'ChaosHelpRequested';
}

export const CHAOS_USAGE = `usage: kvstore chaos [flags]

Starts a cluster of kvstore member processes (or attaches to one), runs a concurrent workload
while injecting faults on a seeded schedule, checks the recorded history, and writes
report.json and report.html. Exits 0 only if every check passes.

  --members N        3 or 5 members to start (default 3)
  --duration S       seconds of workload and faults (default 60)
  --faults LIST      comma-separated, default all: ${FAULT_KINDS.join(',')}
                     (with --endpoints only ${NETWORK_FAULTS.join(',')})
  --interval S       seconds between fault starts (default 3)
  --clients N        concurrent workload clients (default 8)
  --keys N           keys the clients share (default 8)
  --rate N           operations per second for all clients (default 0: unlimited)
  --seed N           reproduces the fault schedule, targets and workload choices (default: random, printed)
  --out DIR          where report.json and report.html go (default ./bench-results/chaos, gitignored)
  --endpoints URLS   attach to a running cluster (client URLs) instead of starting one
  --heartbeat-interval MS  heartbeat of the members started here (default ${ETCD_DEFAULT_TIMING.heartbeatMs}, etcd's)
  --election-timeout MS    election timeout of the members started here (default ${ETCD_DEFAULT_TIMING.electionTimeoutMs}, etcd's;
                     at least ${MIN_HEARTBEATS_PER_ELECTION} heartbeats)
  --max-unavailable S  longest acceptable time from a kill-leader or partition-leader fault to the
                     first successful write (default: ${ELECTION_TIMEOUTS_OF_UNAVAILABILITY} election timeouts of the members started
                     here, ${DEFAULT_MAX_UNAVAILABLE_MS / 1000} s at the default; with --endpoints, not judged unless given)
`;

const FLAGS = {
  members: { type: 'string', default: '3' },
  duration: { type: 'string', default: '60' },
  faults: { type: 'string' },
  interval: { type: 'string', default: '3' },
  clients: { type: 'string', default: '8' },
  keys: { type: 'string', default: '8' },
  rate: { type: 'string', default: '0' },
  seed: { type: 'string' },
  out: { type: 'string', default: 'bench-results/chaos' },
  endpoints: { type: 'string' },
  'max-unavailable': { type: 'string' },
  'heartbeat-interval': { type: 'string', default: String(ETCD_DEFAULT_TIMING.heartbeatMs) },
  'election-timeout': { type: 'string', default: String(ETCD_DEFAULT_TIMING.electionTimeoutMs) },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** Parses `kvstore chaos ...` (argv after "chaos"). `fallbackSeed` is used when --seed is not given. */
export function parseChaosOptions(argv: readonly string[], cwd: string, fallbackSeed: number): ChaosOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new ChaosUsageError((err as Error).message);
  }
  if (values.help) throw new ChaosHelpRequested();
  const members = number(values, 'members', 3);
  if (members !== 3 && members !== 5) throw new ChaosUsageError(`--members: ${members} is not 3 or 5`);
  const endpoints = typeof values.endpoints === 'string' ? urls(values.endpoints) : undefined;
  const faults = faultList(values.faults, endpoints !== undefined);
  const timing = { heartbeatMs: number(values, 'heartbeat-interval', 1), electionTimeoutMs: number(values, 'election-timeout', 1) };
  if (timing.electionTimeoutMs < MIN_HEARTBEATS_PER_ELECTION * timing.heartbeatMs) {
    throw new ChaosUsageError(`--election-timeout: ${timing.electionTimeoutMs} ms is less than ${MIN_HEARTBEATS_PER_ELECTION} heartbeats of ${timing.heartbeatMs} ms`);
  }
  const limitOfStarted = ELECTION_TIMEOUTS_OF_UNAVAILABILITY * timing.electionTimeoutMs;
  return {
    members,
    durationMs: seconds(values, 'duration'),
    faults,
    intervalMs: seconds(values, 'interval'),
    clients: number(values, 'clients', 1),
    keys: number(values, 'keys', 1),
    rate: number(values, 'rate', 0),
    seed: typeof values.seed === 'string' ? number(values, 'seed', 0) : fallbackSeed >>> 0,
    out: resolve(cwd, String(values.out)),
    endpoints,
    maxUnavailableMs: values['max-unavailable'] !== undefined ? seconds(values, 'max-unavailable') : endpoints ? undefined : limitOfStarted,
    timing,
    opTimeoutMs: 2000,
    leaseTtlSeconds: 2,
    watchers: 2,
  };
}

function faultList(value: unknown, attached: boolean): FaultKind[] {
  const allowed: readonly FaultKind[] = attached ? NETWORK_FAULTS : FAULT_KINDS;
  if (value === undefined) return [...allowed];
  const names = String(value)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  for (const n of names) {
    if (!(FAULT_KINDS as readonly string[]).includes(n)) throw new ChaosUsageError(`--faults: unknown fault ${JSON.stringify(n)}; known: ${FAULT_KINDS.join(', ')}`);
    if (!allowed.includes(n as FaultKind)) throw new ChaosUsageError(`--faults: ${n} needs the member processes, which --endpoints does not give; use ${NETWORK_FAULTS.join(', ')}`);
  }
  return [...new Set(names as FaultKind[])];
}

function urls(value: string): string[] {
  const list = value
    .split(',')
    .map((s) => s.trim().replace(/\/+$/, ''))
    .filter((s) => s.length > 0);
  if (list.length === 0) throw new ChaosUsageError('--endpoints: at least one URL is required');
  for (const u of list) {
    if (!/^https?:\/\/[^/]+$/.test(u)) throw new ChaosUsageError(`--endpoints: ${JSON.stringify(u)} is not a URL like http://127.0.0.1:23790`);
  }
  return list;
}

function number(values: Record<string, unknown>, flag: string, min: number): number {
  const raw = String(values[flag]);
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min) throw new ChaosUsageError(`--${flag}: ${JSON.stringify(raw)} is not an integer of at least ${min}`);
  return n;
}

/** A positive number of seconds (fractions allowed), in milliseconds. */
function seconds(values: Record<string, unknown>, flag: string): number {
  const raw = String(values[flag]);
  const n = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !(n > 0)) throw new ChaosUsageError(`--${flag}: ${JSON.stringify(raw)} is not a positive number of seconds`);
  return Math.round(n * 1000);
}
