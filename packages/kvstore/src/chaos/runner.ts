import { KvClient } from '../client/index.js';
import { failoversOf, type Failover } from './failovers.js';
import { healEverything, injectFaults, type SkippedFault } from './fault-injection.js';
import { faultSchedule } from './fault-schedule.js';
import type { FaultContext, FaultTarget } from './faults/index.js';
import type { FinalState, History } from './history.js';
import { HistoryRecorder } from './history-recorder.js';
import { KvOperations } from './kv-operations.js';
import { KvWorkload, sleep } from './kv-workload.js';
import { LeaderMonitor, type LeaderObservation } from './leader-monitor.js';
import { LeaseWorkload } from './lease-workload.js';
import { LocalCluster } from './local-cluster.js';
import { kvstoreCommand } from './member-process.js';
import type { ChaosOptions } from './options.js';
import { PrefixWatcher } from './prefix-watcher.js';
import { SeededRandom } from './seeded-random.js';

/** Everything a run produced, before checking. */
export interface ChaosRun {
  readonly options: ChaosOptions;
  readonly startedAt: Date;
  readonly members: readonly string[];
  readonly history: History;
  readonly failovers: readonly Failover[];
  readonly leaders: readonly LeaderObservation[];
  readonly skippedFaults: readonly SkippedFault[];
}

/** A new lease this often, so a run of a few seconds has a few to check. */
const LEASE_EVERY_MS = 700;
const PROGRESS_EVERY_MS = 1000;
const HEALED_TAIL_MS = 1000;
const FINAL_READ_TIMEOUT_MS = 20_000;

/**
 * One chaos run: a cluster (started here, the one at --endpoints, or `existing`, which tests share
 * between runs and which is left running), the KV workload, the lease workload and the watchers
 * running for the duration while faults are injected on the seeded schedule; then every fault
 * healed, the final state read, the watchers synced to it, and the history built. `interrupt`
 * ends the workload early (the rest still happens). A cluster it started is stopped and its data
 * removed, whatever happens.
 */
export async function runChaos(options: ChaosOptions, log: (line: string) => void, interrupt?: AbortSignal, existing?: LocalCluster): Promise<ChaosRun> {
  const startedAt = new Date();
  const cluster = existing ?? (options.endpoints ? undefined : await LocalCluster.start(options.members, kvstoreCommand(options.timing, options.memberEnv)));
  try {
    const targets = cluster ? () => cluster.members.map((m) => ({ name: m.spec.name, clientUrl: m.spec.clientUrl, peerUrl: m.spec.peerUrl })) : await attachedTargets(options.endpoints!);
    const endpoints = targets().map((t) => t.clientUrl);
    const names = targets().map((t) => t.name);
    const recorder = new HistoryRecorder();
    const random = new SeededRandom(options.seed);
    const monitor = new LeaderMonitor(endpoints, names, () => recorder.now());
    monitor.start();
    const ctx: FaultContext = { members: targets, cluster, monitor, random: random.derive('faults') };
    const ops = new KvOperations(endpoints, options.clients, options.opTimeoutMs);
    try {
      await monitor.waitForLeader();
      // A cluster we did not start may hold earlier runs' keys: this run's own prefix then.
      const prefix = cluster && !existing ? 'chaos/' : `chaos/${startedAt.getTime().toString(36)}/`;
      const start = await readFinal(ops, prefix);
      const watchers = Array.from({ length: options.watchers }, (_, i) => new PrefixWatcher(i, endpoints, prefix, start.revision + 1, () => recorder.now()));
      const leases = new LeaseWorkload(endpoints, ops, recorder, random.derive('leases'), {
        prefix,
        ttlSeconds: options.leaseTtlSeconds,
        everyMs: LEASE_EVERY_MS,
        firstClient: options.clients,
      });
      const workload = new KvWorkload(ops, recorder, random.derive('workload'), { clients: options.clients, keys: options.keys, prefix, ratePerSecond: options.rate });

      const stopFaults = new AbortController();
      const stopWorkload = new AbortController();
      const schedule = faultSchedule(random.derive('schedule'), options.faults, options.durationMs, options.intervalMs);
      // The schedule counts from here, where the workload starts, not from the recorder's origin.
      const workloadStart = recorder.now();
      const progress = setInterval(() => log(progressLine(recorder, monitor, workloadStart, options.durationMs)), PROGRESS_EVERY_MS);
      const running = Promise.all([workload.run(stopWorkload.signal), leases.run(stopWorkload.signal)]);
      const faulting = injectFaults(schedule, workloadStart, ctx, recorder, stopFaults.signal, log);
      await sleep(options.durationMs, interrupt);
      stopFaults.abort();
      const skippedFaults = await faulting;
      // However long the last heal took, the workload runs on the healed cluster for a while, so
      // every fault is followed by operations that show the cluster recovered.
      await sleep(HEALED_TAIL_MS);
      stopWorkload.abort();
      await running;
      clearInterval(progress);

      log('workload stopped; healing every fault');
      await healEverything(ctx);
      const final = await readFinal(ops, prefix);
      const endedAt = recorder.now();
      log(`final state read at revision ${final.revision}; syncing the watchers to it`);
      await Promise.all(watchers.map((w) => w.sync(final.revision)));
      await Promise.all(watchers.map((w) => w.stop()));
      const history = recorder.build(
        watchers.map((w) => w.record()),
        final.state,
        endedAt,
      );
      await leases.finish();
      await monitor.stop();
      log(progressLine(recorder, monitor, workloadStart, options.durationMs));
      return {
        options,
        startedAt,
        members: names,
        history,
        failovers: failoversOf(monitor.observations, history.faults, history.operations),
        leaders: monitor.observations,
        skippedFaults,
      };
    } finally {
      await monitor.stop();
      await ops.close();
    }
  } finally {
    if (cluster !== existing) await cluster?.stop();
  }
}

/** The members of a cluster we did not start, from its member list: names, client URLs and peer URLs. */
async function attachedTargets(endpoints: readonly string[]): Promise<() => FaultTarget[]> {
  const client = new KvClient({ endpoints });
  try {
    const { members } = await client.memberList();
    const targets = endpoints.map((url) => {
      const m = members.find((x) => x.clientUrls.some((u) => u.replace(/\/+$/, '') === url));
      if (!m || m.peerUrls.length === 0) throw new Error(`${url} is not the client URL of any member in the member list`);
      return { name: m.name || url, clientUrl: url, peerUrl: m.peerUrls[0] };
    });
    return () => targets;
  } finally {
    await client.close();
  }
}

/** Reads every key under `prefix` linearizably, trying each member in turn until one answers. */
async function readFinal(ops: KvOperations, prefix: string): Promise<{ revision: number; state: FinalState }> {
  const until = performance.now() + FINAL_READ_TIMEOUT_MS;
  let lastError: unknown;
  for (let attempt = 0; performance.now() < until; attempt++) {
    try {
      const r = await ops.readPrefix(attempt % ops.endpoints.length, prefix);
      return { revision: r.revision, state: Object.fromEntries(r.kvs.map((kv) => [kv.key, { value: kv.value, modRevision: kv.modRevision }])) };
    } catch (err) {
      lastError = err;
      await sleep(100);
    }
  }
  throw new Error(`could not read the store's state: ${(lastError as Error)?.message}`);
}

function progressLine(recorder: HistoryRecorder, monitor: LeaderMonitor, workloadStart: number, durationMs: number): string {
  const ops = recorder.recorded;
  const counts = { ok: 0, failed: 0, unknown: 0 };
  for (const o of ops) counts[o.outcome.status]++;
  const seconds = (recorder.now() - workloadStart) / 1000;
  const failovers = failoversOf(monitor.observations, [], []).length;
  return (
    `chaos ${Math.min(seconds, durationMs / 1000).toFixed(0)}/${(durationMs / 1000).toFixed(0)} s: ` +
    `${ops.length} ops (${Math.round(ops.length / Math.max(seconds, 0.001))}/s; ok ${counts.ok}, failed ${counts.failed}, unknown ${counts.unknown}), ` +
    `faults ${recorder.faultsSoFar.length}, failovers ${failovers}, leader ${monitor.current || 'none'}`
  );
}
