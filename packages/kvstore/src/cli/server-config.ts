import { parseArgs } from 'node:util';

/** A member's configuration, from etcd's flags and ETCD_* environment variables. */
export interface ServerConfig {
  readonly name: string;
  readonly dataDir: string;
  readonly listenClientUrls: string[];
  readonly advertiseClientUrls: string[];
  readonly listenPeerUrls: string[];
  readonly initialAdvertisePeerUrls: string[];
  /** name → peer URLs. */
  readonly initialCluster: Map<string, string[]>;
  readonly initialClusterState: 'new' | 'existing';
  readonly initialClusterToken: string;
  readonly heartbeatIntervalMs: number;
  readonly electionTimeoutMs: number;
  readonly snapshotCount: number;
  /** 0 means etcd's default of 2 GiB. */
  readonly quotaBackendBytes: number;
  readonly maxRequestBytes: number;
  readonly maxTxnOps: number;
  readonly autoCompactionMode: 'periodic' | 'revision';
  /** Periodic: milliseconds; revision: a number of revisions. 0 disables. */
  readonly autoCompactionRetention: number;
  readonly listenMetricsUrls: string[];
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** How often watchers with progress_notify hear the current revision, in ms. */
  readonly watchProgressNotifyIntervalMs: number;
}

export const DEFAULT_QUOTA_BYTES = 2 * 1024 * 1024 * 1024;

/** etcd's flags, their defaults, and the ETCD_* variable each can come from. */
const FLAGS = {
  name: 'default',
  'data-dir': '',
  'listen-client-urls': 'http://localhost:2379',
  'advertise-client-urls': 'http://localhost:2379',
  'listen-peer-urls': 'http://localhost:2380',
  'initial-advertise-peer-urls': 'http://localhost:2380',
  'initial-cluster': '',
  'initial-cluster-state': 'new',
  'initial-cluster-token': 'etcd-cluster',
  'heartbeat-interval': '100',
  'election-timeout': '1000',
  'snapshot-count': '100000',
  'quota-backend-bytes': '0',
  'max-request-bytes': '1572864',
  'max-txn-ops': '128',
  'auto-compaction-mode': 'periodic',
  'auto-compaction-retention': '0',
  'listen-metrics-urls': '',
  'log-level': 'info',
  'experimental-watch-progress-notify-interval': '10m',
} as const;

type FlagName = keyof typeof FLAGS;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const envName = (flag: string) => `ETCD_${flag.toUpperCase().replaceAll('-', '_')}`;

/**
 * Reads the configuration as etcd does: a flag wins over its ETCD_* variable, which wins
 * over the default. Unknown flags and malformed values are errors, not ignored.
 */
export function parseServerConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ServerConfig {
  const options = Object.fromEntries(Object.keys(FLAGS).map((f) => [f, { type: 'string' as const }]));
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as Record<string, string | undefined>;
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const get = (flag: FlagName): string => values[flag] ?? env[envName(flag)] ?? FLAGS[flag];

  const name = get('name');
  const listenPeerUrls = urls(get('listen-peer-urls'), 'listen-peer-urls');
  const initialAdvertisePeerUrls = urls(get('initial-advertise-peer-urls'), 'initial-advertise-peer-urls');
  const initialCluster = parseInitialCluster(get('initial-cluster') || `${name}=${initialAdvertisePeerUrls.join(',')}`);
  const state = get('initial-cluster-state');
  if (state !== 'new' && state !== 'existing') throw new ConfigError(`invalid value "${state}" for flag -initial-cluster-state`);
  const mode = get('auto-compaction-mode');
  if (mode !== 'periodic' && mode !== 'revision') {
    throw new ConfigError(`unknown auto-compaction-mode "${mode}" (must be "periodic" or "revision")`);
  }
  const logLevel = get('log-level');
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new ConfigError(`unknown log level "${logLevel}"`);
  const heartbeatIntervalMs = int(get('heartbeat-interval'), 'heartbeat-interval', 1);
  const electionTimeoutMs = int(get('election-timeout'), 'election-timeout', 1);
  if (electionTimeoutMs < 5 * heartbeatIntervalMs) {
    throw new ConfigError(`--election-timeout[${electionTimeoutMs}ms] should be at least as 5 times as --heartbeat-interval[${heartbeatIntervalMs}ms]`);
  }
  const watchProgressNotifyIntervalMs = parseDuration(get('experimental-watch-progress-notify-interval'), 'experimental-watch-progress-notify-interval');
  if (watchProgressNotifyIntervalMs <= 0) throw new ConfigError('--experimental-watch-progress-notify-interval must be positive');
  if (!initialCluster.has(name) && state === 'new') {
    throw new ConfigError(`couldn't find local name "${name}" in the initial cluster configuration`);
  }

  return {
    name,
    dataDir: get('data-dir') || `${name}.etcd`,
    listenClientUrls: urls(get('listen-client-urls'), 'listen-client-urls'),
    advertiseClientUrls: urls(get('advertise-client-urls'), 'advertise-client-urls'),
    listenPeerUrls,
    initialAdvertisePeerUrls,
    initialCluster,
    initialClusterState: state,
    initialClusterToken: get('initial-cluster-token'),
    heartbeatIntervalMs,
    electionTimeoutMs,
    snapshotCount: int(get('snapshot-count'), 'snapshot-count', 1),
    quotaBackendBytes: int(get('quota-backend-bytes'), 'quota-backend-bytes', 0),
    maxRequestBytes: int(get('max-request-bytes'), 'max-request-bytes', 1),
    maxTxnOps: int(get('max-txn-ops'), 'max-txn-ops', 1),
    autoCompactionMode: mode,
    autoCompactionRetention: parseRetention(get('auto-compaction-retention'), mode),
    listenMetricsUrls: get('listen-metrics-urls') ? urls(get('listen-metrics-urls'), 'listen-metrics-urls') : [],
    logLevel: logLevel as ServerConfig['logLevel'],
    watchProgressNotifyIntervalMs,
  };
}

function urls(raw: string, flag: string): string[] {
  const list = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const u of list) {
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      throw new ConfigError(`invalid value "${raw}" for flag -${flag}: parse "${u}": invalid URL`);
    }
    if (parsed.protocol !== 'http:') throw new ConfigError(`invalid value "${raw}" for flag -${flag}: URL scheme must be http`);
  }
  return list;
}

function int(raw: string, flag: string, min: number): number {
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`invalid value "${raw}" for flag -${flag}: parse error`);
  const n = Number(raw);
  if (n < min) throw new ConfigError(`invalid value "${raw}" for flag -${flag}: must be at least ${min}`);
  return n;
}

/** `name1=http://a:2380,name2=http://b:2380`; a name may appear several times for several URLs. */
export function parseInitialCluster(raw: string): Map<string, string[]> {
  const cluster = new Map<string, string[]>();
  for (const part of raw.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new ConfigError(`invalid value "${raw}" for flag -initial-cluster: "${part}" is not name=url`);
    const name = part.slice(0, eq);
    const url = urls(part.slice(eq + 1), 'initial-cluster')[0];
    cluster.set(name, [...(cluster.get(name) ?? []), url]);
  }
  return cluster;
}

/**
 * etcd's retention: in periodic mode a duration ("1h", "30m", "90s") or a bare number of
 * hours; in revision mode a number of revisions. Returns ms or revisions.
 */
export function parseRetention(raw: string, mode: 'periodic' | 'revision'): number {
  const text = raw.trim();
  if (mode === 'revision') {
    if (!/^\d+$/.test(text)) throw new ConfigError(`invalid auto-compaction-retention "${raw}" for revision mode`);
    return Number(text);
  }
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 3_600_000);
  return parseDuration(text, 'auto-compaction-retention');
}

/** A Go duration ("1h", "30m", "1m30s", "500ms") in ms. */
export function parseDuration(raw: string, flag: string): number {
  const text = raw.trim();
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = text === '' ? 'x' : text;
  const part = /^(\d+(?:\.\d+)?)(ms|s|m|h)/;
  while (rest !== '') {
    const m = part.exec(rest);
    if (!m) throw new ConfigError(`invalid ${flag} "${raw}"`);
    total += Number(m[1]) * units[m[2]];
    rest = rest.slice(m[0].length);
  }
  return Math.round(total);
}
