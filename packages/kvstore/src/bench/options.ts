import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * `kvstore bench` flags, named and defaulted as etcd's `tools/benchmark` names them, parsed
 * into one typed record per workload. Parsing is pure: argv and cwd in, options or a
 * BenchUsageError out.
 */

export type Workload = 'put' | 'range' | 'watch';
export const WORKLOADS: readonly Workload[] = ['put', 'range', 'watch'];

/** Flags every workload takes. */
export interface CommonOptions {
  readonly endpoints: readonly string[];
  /** Concurrent request loops (etcd: --clients). */
  readonly clients: number;
  /** undici Pool connections per endpoint (etcd: --conns, gRPC connections). */
  readonly conns: number;
  /** How requests travel: etcd's JSON gateway, or etcd's gRPC API on the same URL. */
  readonly transport: 'gateway' | 'grpc';
  readonly keySize: number;
  readonly valSize: number;
  readonly sequentialKeys: boolean;
  readonly keySpaceSize: number;
  /** Where the JSON result goes; the SVG chart is written beside it. */
  readonly out: string;
}

export interface PutOptions extends CommonOptions {
  readonly workload: 'put';
  readonly total: number;
  /** Send every put to the member that leads, found through /v3/maintenance/status. */
  readonly targetLeader: boolean;
}

export interface RangeOptions extends CommonOptions {
  readonly workload: 'range';
  readonly total: number;
  readonly consistency: 'l' | 's';
  /** `bench range KEY [END]` reads that key or range; without KEY each request reads a key of the key space. */
  readonly key: string | undefined;
  readonly rangeEnd: string | undefined;
}

export interface WatchOptions extends CommonOptions {
  readonly workload: 'watch';
  /** Watchers in all, spread round-robin over the streams; each watches the whole key space. */
  readonly watchers: number;
  /** Watch streams (one POST /v3/watch each, carrying its watchers' create requests). */
  readonly streams: number;
  readonly putTotal: number;
  /** Puts per second; 0 puts as fast as --clients allow. */
  readonly putRate: number;
}

export type BenchOptions = PutOptions | RangeOptions | WatchOptions;

/** A command line that cannot be run: the message says what to change. */
export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

/** Thrown for --help: not a failure, the caller prints USAGE and exits 0. */
export class BenchHelpRequested extends Error {
  override readonly name = 'BenchHelpRequested';
}

export const USAGE = `usage: kvstore bench put|range|watch [flags]

  kvstore bench put   [--total N (10000)] [--target-leader]
  kvstore bench range [KEY [END]] [--total N (10000)] [--consistency l|s (l)]
  kvstore bench watch [--watchers N (100)] [--streams N (10)] [--put-total N (1000)]
                      [--put-rate N per second (0: unlimited)]
  kvstore bench compare [flags]   ours vs a real etcd cluster (see kvstore bench compare --help)

flags for every workload:
  --endpoints URLS       comma-separated gateway URLs (default http://127.0.0.1:2379)
  --clients N            concurrent request loops (default 1)
  --conns N              connections per endpoint (default 1)
  --transport T          gateway (HTTP/JSON, the default) or grpc (put and range)
  --key-size N           key bytes (default 8)
  --val-size N           value bytes (default 8)
  --sequential-keys      take keys in order instead of at random
  --key-space-size N     distinct keys (default 1)
  --out FILE             JSON result (default ./bench-results/kvstore-bench-<workload>.json);
                         an SVG chart is written beside it
`;

const COMMON = {
  endpoints: { type: 'string', default: 'http://127.0.0.1:2379' },
  clients: { type: 'string', default: '1' },
  conns: { type: 'string', default: '1' },
  transport: { type: 'string', default: 'gateway' },
  'key-size': { type: 'string', default: '8' },
  'val-size': { type: 'string', default: '8' },
  'sequential-keys': { type: 'boolean', default: false },
  'key-space-size': { type: 'string', default: '1' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

const PER_WORKLOAD = {
  put: { total: { type: 'string', default: '10000' }, 'target-leader': { type: 'boolean', default: false } },
  range: { total: { type: 'string', default: '10000' }, consistency: { type: 'string', default: 'l' } },
  watch: {
    watchers: { type: 'string', default: '100' },
    streams: { type: 'string', default: '10' },
    'put-total': { type: 'string', default: '1000' },
    'put-rate': { type: 'string', default: '0' },
  },
} as const satisfies Record<Workload, ParseArgsConfig['options']>;

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** Parses `kvstore bench <workload> ...` (argv starts at the workload). */
export function parseBenchOptions(argv: readonly string[], cwd: string): BenchOptions {
  const [workload, ...rest] = argv;
  if (workload === '--help' || workload === '-h') throw new BenchHelpRequested();
  if (workload === undefined) throw new BenchUsageError(`a workload is required: ${WORKLOADS.join(', ')}`);
  if (!WORKLOADS.includes(workload as Workload)) {
    throw new BenchUsageError(`unknown workload ${JSON.stringify(workload)}: expected one of ${WORKLOADS.join(', ')}`);
  }
  const w = workload as Workload;
  let values: Values;
  let positionals: string[];
  try {
    const options: ParseArgsConfig['options'] = { ...COMMON, ...PER_WORKLOAD[w] };
    ({ values, positionals } = parseArgs({ args: [...rest], options, allowPositionals: w === 'range', strict: true }));
  } catch (err) {
    // parseArgs throws TypeErrors whose messages already name the flag at fault.
    throw new BenchUsageError(`bench ${w}: ${(err as Error).message}`);
  }
  if (values.help) throw new BenchHelpRequested();
  const common = commonOptions(w, values, cwd);
  switch (w) {
    case 'put':
      return { workload: 'put', ...common, total: positiveInt(values, 'total'), targetLeader: values['target-leader'] === true };
    case 'range':
      return rangeOptions(common, values, positionals);
    case 'watch':
      return {
        workload: 'watch',
        ...common,
        watchers: positiveInt(values, 'watchers'),
        streams: positiveInt(values, 'streams'),
        putTotal: positiveInt(values, 'put-total'),
        putRate: int(values, 'put-rate', 0),
      };
  }
}

function commonOptions(w: Workload, values: Values, cwd: string): CommonOptions {
  const endpoints = String(values.endpoints)
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
  if (endpoints.length === 0) throw new BenchUsageError('--endpoints: at least one URL is required');
  for (const e of endpoints) {
    let url: URL;
    try {
      url = new URL(e);
    } catch {
      throw new BenchUsageError(`--endpoints: ${JSON.stringify(e)} is not a URL (expected e.g. http://127.0.0.1:2379)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BenchUsageError(`--endpoints: ${e} must be http:// or https://`);
  }
  const keySize = positiveInt(values, 'key-size');
  const keySpaceSize = positiveInt(values, 'key-space-size');
  // Keys are the decimal index zero-padded to --key-size, so the size must hold the largest index.
  const digits = String(keySpaceSize - 1).length;
  if (digits > keySize) throw new BenchUsageError(`--key-size ${keySize} cannot hold ${keySpaceSize} distinct keys: use --key-size ${digits} or more`);
  return {
    endpoints: endpoints.map((e) => e.replace(/\/+$/, '')),
    clients: positiveInt(values, 'clients'),
    conns: positiveInt(values, 'conns'),
    transport: transportOf(values.transport, w),
    keySize,
    valSize: int(values, 'val-size', 0),
    sequentialKeys: values['sequential-keys'] === true,
    keySpaceSize,
    out: resolve(cwd, typeof values.out === 'string' ? values.out : `bench-results/kvstore-bench-${w}.json`),
  };
}

function rangeOptions(common: CommonOptions, values: Values, positionals: string[]): RangeOptions {
  const consistency = values.consistency;
  if (consistency !== 'l' && consistency !== 's') {
    throw new BenchUsageError(`--consistency: ${JSON.stringify(consistency)} is not l (linearizable) or s (serializable)`);
  }
  if (positionals.length > 2) throw new BenchUsageError(`bench range takes at most KEY and END, got ${positionals.length} arguments`);
  return { workload: 'range', ...common, total: positiveInt(values, 'total'), consistency, key: positionals[0], rangeEnd: positionals[1] };
}

function positiveInt(values: Values, flag: string): number {
  return int(values, flag, 1);
}

function int(values: Values, flag: string, min: number): number {
  const raw = String(values[flag]);
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min) {
    throw new BenchUsageError(`--${flag}: ${JSON.stringify(raw)} is not ${min === 0 ? 'a non-negative' : 'a positive'} integer`);
  }
  return n;
}

function transportOf(value: unknown, workload: Workload): 'gateway' | 'grpc' {
  if (value !== 'gateway' && value !== 'grpc') throw new BenchUsageError(`--transport: ${JSON.stringify(value)} is not gateway or grpc`);
  if (value === 'grpc' && workload === 'watch') throw new BenchUsageError('--transport grpc: the watch workload runs over the gateway only');
  return value;
}
