/**
 * `etcdctl check perf`'s workload and verdict, as etcdctl 3.4 defines them: pure data and
 * arithmetic, no clock and no sockets (check-perf.ts drives the run).
 */

/** One load profile: write rate limit (ops/s), concurrent clients, and length in seconds. */
export interface PerfLoad {
  readonly limit: number;
  readonly clients: number;
  readonly duration: number;
}

export const PERF_LOADS: Readonly<Record<string, PerfLoad>> = {
  s: { limit: 150, clients: 50, duration: 60 },
  m: { limit: 1000, clients: 200, duration: 60 },
  l: { limit: 8000, clients: 500, duration: 60 },
  xl: { limit: 15000, clients: 1000, duration: 60 },
};

/** The names --load accepts for each profile. */
export const PERF_LOAD_ALIASES: Readonly<Record<string, string>> = { s: 's', small: 's', m: 'm', medium: 'm', l: 'l', large: 'l', xl: 'xl', xLarge: 'xl' };

/** Keys are the prefix and 256 bytes, values 1024 zero bytes. */
export const KEY_BYTES = 256;
export const VALUE_BYTES = 1024;

/** One finished put: how long it took, or why it failed. */
export type PerfResult = { readonly seconds: number } | { readonly error: string };

/** etcd's pkg/report Stats, the part check perf reads. */
export interface PerfStats {
  readonly rps: number;
  readonly slowest: number;
  readonly average: number;
  readonly stddev: number;
  readonly errors: ReadonlyMap<string, number>;
}

/** Summarises results as pkg/report does: successes per second of the whole run, population stddev. */
export function summarize(results: readonly PerfResult[], totalSeconds: number): PerfStats {
  const latencies: number[] = [];
  const errors = new Map<string, number>();
  for (const r of results) {
    if ('error' in r) errors.set(r.error, (errors.get(r.error) ?? 0) + 1);
    else latencies.push(r.seconds);
  }
  const average = latencies.reduce((a, b) => a + b, 0) / latencies.length;
  const stddev = Math.sqrt(latencies.reduce((a, l) => a + (l - average) ** 2, 0) / latencies.length);
  return { rps: latencies.length / totalSeconds, slowest: latencies.reduce((a, b) => Math.max(a, b), 0), average, stddev, errors };
}

/** The lines check perf prints after its run, and whether it passed (exit 0) or failed (exit 1). */
export function verdict(stats: PerfStats, load: PerfLoad): { lines: string[]; pass: boolean } {
  const lines: string[] = [];
  let pass = true;
  if (stats.errors.size > 0) {
    lines.push('FAIL: too many errors');
    for (const [message, count] of stats.errors) lines.push(`FAIL: ERROR(${message}) -> ${count}`);
    pass = false;
  }
  const throughput = Math.trunc(stats.rps) + 1;
  if (stats.rps / load.limit <= 0.9) {
    lines.push(`FAIL: Throughput too low: ${throughput} writes/s`);
    pass = false;
  } else {
    lines.push(`PASS: Throughput is ${throughput} writes/s`);
  }
  // etcdctl prints these two failures without a FAIL: prefix.
  if (stats.slowest > 0.5) {
    lines.push(`Slowest request took too long: ${goFloat(stats.slowest)}s`);
    pass = false;
  } else {
    lines.push(`PASS: Slowest request took ${goFloat(stats.slowest)}s`);
  }
  if (stats.stddev > 0.1) {
    lines.push(`Stddev too high: ${goFloat(stats.stddev)}s`);
    pass = false;
  } else {
    lines.push(`PASS: Stddev is ${goFloat(stats.stddev)}s`);
  }
  lines.push(pass ? 'PASS' : 'FAIL');
  return { lines, pass };
}

/** Go's %f: six decimals; NaN as Go spells it. */
function goFloat(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v.toFixed(6);
}

/**
 * The next key: binary.PutVarint of a random int63 written over the start of the same
 * 256-byte buffer each time (bytes past the varint keep what earlier keys left there).
 */
export function nextKey(buffer: Uint8Array, random: () => bigint): Uint8Array {
  let zigzag = random() << 1n; // the value is never negative
  let i = 0;
  while (zigzag >= 0x80n) {
    buffer[i++] = Number(zigzag & 0x7fn) | 0x80;
    zigzag >>= 7n;
  }
  buffer[i] = Number(zigzag);
  return buffer;
}
