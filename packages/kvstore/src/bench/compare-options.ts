import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BenchUsageError } from './options.js';

/** What `kvstore bench compare` runs: the same workload against fresh clusters of ours and of etcd, alternating. */
export interface CompareOptions {
  readonly members: 3 | 5;
  readonly rounds: number;
  /** Requests per phase (puts, then linearizable reads, then serializable reads). */
  readonly total: number;
  readonly clients: number;
  readonly conns: number;
  readonly transport: 'gateway' | 'grpc';
  readonly valSize: number;
  readonly keySpaceSize: number;
  /** The etcd executable; undefined when none is installed (then only ours runs). */
  readonly etcd: string | undefined;
  readonly out: string;
}

export const COMPARE_USAGE = `usage: kvstore bench compare [flags]

Runs the same workload against a fresh cluster of ours and a fresh real etcd cluster (the Debian
etcd 3.4 binary, /usr/bin/etcd, when installed), alternating which goes first each round, and
prints our/etcd ratios: write throughput, p99 write latency, linearizable and serializable read
throughput, resident memory per member. Each cluster: heartbeat 50 ms, election timeout 500 ms.

  --members N          3 or 5 members per cluster (default 3)
  --rounds N           rounds, each one cluster of ours and one of etcd (default 3)
  --total N            requests per phase: puts, linearizable reads, serializable reads (default 5000)
  --clients N          concurrent request loops (default 16)
  --conns N            connections per endpoint (default 4)
  --transport T        gateway (HTTP/JSON, default) or grpc
  --val-size N         value bytes (default 8)
  --key-space-size N   distinct keys the puts write and the reads read (default 1000)
  --etcd PATH          the etcd executable (default /usr/bin/etcd, else etcd on PATH)
  --out FILE           JSON result (default ./bench-results/kvstore-bench-compare.json)
`;

const FLAGS = {
  members: { type: 'string', default: '3' },
  rounds: { type: 'string', default: '3' },
  total: { type: 'string', default: '5000' },
  clients: { type: 'string', default: '16' },
  conns: { type: 'string', default: '4' },
  transport: { type: 'string', default: 'gateway' },
  'val-size': { type: 'string', default: '8' },
  'key-space-size': { type: 'string', default: '1000' },
  etcd: { type: 'string' },
  out: { type: 'string', default: 'bench-results/kvstore-bench-compare.json' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** The installed etcd: /usr/bin/etcd, else the first `etcd` on PATH. */
export function installedEtcd(path = process.env.PATH ?? ''): string | undefined {
  const candidates = ['/usr/bin/etcd', ...path.split(':').filter((d) => d.length > 0).map((d) => `${d}/etcd`)];
  return candidates.find((c) => {
    try {
      accessSync(c, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Parses `kvstore bench compare ...` (argv after "compare"). Throws BenchUsageError, or returns undefined for --help. */
export function parseCompareOptions(argv: readonly string[], cwd: string, etcdFallback: () => string | undefined = installedEtcd): CompareOptions | undefined {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new BenchUsageError(`bench compare: ${(err as Error).message}`);
  }
  if (values.help) return undefined;
  const int = (flag: string, min: number) => {
    const raw = String(values[flag]);
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min) throw new BenchUsageError(`--${flag}: ${JSON.stringify(raw)} is not an integer of at least ${min}`);
    return n;
  };
  const members = int('members', 3);
  if (members !== 3 && members !== 5) throw new BenchUsageError(`--members: ${members} is not 3 or 5`);
  const transport = values.transport;
  if (transport !== 'gateway' && transport !== 'grpc') throw new BenchUsageError(`--transport: ${JSON.stringify(transport)} is not gateway or grpc`);
  return {
    members,
    rounds: int('rounds', 1),
    total: int('total', 1),
    clients: int('clients', 1),
    conns: int('conns', 1),
    transport,
    valSize: int('val-size', 0),
    keySpaceSize: int('key-space-size', 1),
    etcd: typeof values.etcd === 'string' ? values.etcd : etcdFallback(),
    out: resolve(cwd, String(values.out)),
  };
}
