import type { Command } from 'commander';
import { KvClient, prefixEnd } from '@flotilla/kvstore/client';
import { parseDuration } from '@flotilla/kvstore';
import type { Context } from '../context.js';
import { Exit, ExitError } from '../exit.js';
import { goQuote } from '../output/go-format.js';
import { PERF_LOAD_ALIASES, PERF_LOADS, summarize, verdict } from './check-perf-model.js';
import { runPerfWorkload } from './check-perf.js';
import { startSecondsBar } from './check-progress.js';
import type { Register } from './kv.js';

/**
 * For tests only: the length of a `check perf` run in whole seconds instead of the load's
 * 60 (etcdctl 3.4 has no flag for it). Not an ETCDCTL_* name, which etcdctl would read as a flag.
 */
export const CHECK_PERF_DURATION_ENV = 'FLOTILLA_CHECK_PERF_DURATION';

/** How long etcdctl gives the clean-up requests after the run (delete, compact, defrag). */
const CLEANUP_TIMEOUT_MS = 30_000;

/** `etcdctl check perf`: etcdctl 3.4's write workload, its progress bar and its PASS/FAIL verdict. */
export function registerCheck(program: Command, register: Register): void {
  const check = program.command('check').description('commands for checking properties of the etcd cluster');
  register(check, 'perf', checkPerf)
    .description('Check the performance of the etcd cluster')
    .option('--load <model>', "The performance check's workload model. Accepted workloads: s(small), m(medium), l(large), xl(xLarge)", 's')
    .option('--prefix <prefix>', "The prefix for writing the performance check's keys.", '/etcdctl-check-perf/')
    .option('--auto-compact', 'Compact storage with last revision after test is finished.', false)
    .option('--auto-defrag', 'Defragment storage after test is finished.', false);
}

async function checkPerf(ctx: Context, _args: string[], flags: Record<string, any>): Promise<void> {
  const model = PERF_LOAD_ALIASES[flags.load];
  if (model === undefined) throw new ExitError(Exit.BadFeature, `unknown load option ${flags.load}`);
  const load = PERF_LOADS[model];
  const seconds = durationOverride(ctx.io.env[CHECK_PERF_DURATION_ENV]) ?? load.duration;
  const prefix: string = flags.prefix;
  const dialTimeoutMs = parseDuration(ctx.globals.dialTimeout, 'dial-timeout');
  const admin = new KvClient({ endpoints: ctx.endpoints, dialTimeoutMs, commandTimeoutMs: CLEANUP_TIMEOUT_MS });
  const prefixRange = { key: b64(prefix), range_end: b64(prefixEnd(new TextEncoder().encode(prefix))) };
  try {
    const existing = await admin.call('/v3/kv/range', { ...prefixRange, limit: 1 });
    if ((existing.kvs ?? []).length > 0) throw new ExitError(Exit.InvalidInput, `prefix ${goQuote(new TextEncoder().encode(prefix))} has keys. Delete with etcdctl del --prefix ${prefix} first`);

    const bar = startSecondsBar(seconds, ctx.io.out, process.stdout.isTTY ? process.stdout.columns : 0);
    const run = await runPerfWorkload(ctx.endpoints, dialTimeoutMs, prefix, load, seconds, bar);
    const stats = summarize(run.results, run.totalSeconds);

    const deleted = await admin.call('/v3/kv/deleterange', prefixRange);
    if (flags.autoCompact) await compact(ctx, admin, Number(deleted.header?.revision ?? 0));
    if (flags.autoDefrag) for (const endpoint of configuredEndpoints(ctx)) await defrag(ctx, admin, endpoint);

    const { lines, pass } = verdict(stats, load);
    ctx.io.out(lines.map((l) => `${l}\n`).join(''));
    if (!pass) throw new ExitError(Exit.Error, '');
  } finally {
    await admin.close();
  }
}

async function compact(ctx: Context, client: KvClient, revision: number): Promise<void> {
  ctx.io.out(`Compacting with revision ${revision}\n`);
  await client.call('/v3/kv/compaction', { revision: String(revision), physical: true });
  ctx.io.out(`Compacted with revision ${revision}\n`);
}

async function defrag(ctx: Context, client: KvClient, endpoint: string): Promise<void> {
  const quoted = goQuote(new TextEncoder().encode(endpoint));
  ctx.io.out(`Defragmenting ${quoted}\n`);
  await client.call('/v3/maintenance/defragment', {}, toUrl(endpoint));
  ctx.io.out(`Defragmented ${quoted}\n`);
}

/** The endpoints as given to --endpoints (etcdctl prints them so), not as URLs. */
function configuredEndpoints(ctx: Context): string[] {
  return ctx.globals.endpoints
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
}

const toUrl = (endpoint: string) => (/^[a-z]+:\/\//.test(endpoint) ? endpoint.replace(/\/$/, '') : `http://${endpoint}`);

function durationOverride(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds < 1) throw new ExitError(Exit.BadArgs, `${CHECK_PERF_DURATION_ENV} must be a whole number of seconds, not ${JSON.stringify(text)}`);
  return seconds;
}

const b64 = (s: string | Uint8Array) => Buffer.from(s).toString('base64');
