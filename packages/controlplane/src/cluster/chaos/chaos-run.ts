import { RestClient } from '../../client/index.js';
import type { ClusterFiles } from '../cluster-files.js';
import { ClusterPki } from '../pki.js';
import { Probe } from '../probe.js';
import type { ChaosOptions } from './chaos-options.js';
import { ClusterObserver } from './cluster-observer.js';
import { ConfigMapWriter } from './config-map-writer.js';
import { DeploymentWorkload } from './deployment-workload.js';
import { awaitTarget, injectFault } from './fault-injector.js';
import { planFaults, planScales, type PlannedFault } from './fault-plan.js';
import type { ChaosHistory, FaultRecord, Observation, ScaleRecord } from './history.js';
import { progressLine } from './progress-line.js';
import { describeKill, sec } from './summary-text.js';
import { describeError } from './write-outcome.js';

/** A finished run: what was planned, where, and what happened. */
export interface ChaosRun {
  readonly options: ChaosOptions;
  readonly namespace: string;
  readonly masters: readonly string[];
  readonly workers: readonly string[];
  readonly plan: readonly PlannedFault[];
  readonly history: ChaosHistory;
}

const ObserveEveryMs = 250;
const ProgressEveryMs = 5000;
const SetupTimeoutMs = 120_000;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, ms));
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/** Calls `act` for each item at its time (ms on `now`'s clock), in order, until `signal` aborts. */
async function onSchedule<T extends { at: number }>(items: readonly T[], now: () => number, signal: AbortSignal, act: (item: T) => Promise<void>): Promise<void> {
  for (const item of items) {
    await sleep(item.at - now(), signal);
    if (signal.aborted) return;
    await act(item);
  }
}

/** Polls observations until `done` holds for one or the time is up; whether it held. */
async function observeUntil(observer: ClusterObserver, timeoutMs: number, done: (o: Observation) => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (done(await observer.observe())) return true;
    await sleep(ObserveEveryMs);
  }
  return false;
}

const whole = (o: Observation) => o.desiredReplicas !== undefined && (o.readyReplicas ?? 0) >= o.desiredReplicas && o.runningPods === o.desiredReplicas;

/**
 * Runs the chaos against the cluster `flotilla up` keeps running from `files`: sets the workload
 * up and waits for it to be ready, then for --duration writes, scales and kills on the plan while
 * observing every 250 ms, lets the cluster settle, reads back every ConfigMap and cleans up.
 * Aborting `cut` ends the chaos phase early (Ctrl-C); the run is still settled and judged.
 */
export async function runChaos(files: ClusterFiles, options: ChaosOptions, say: (line: string) => void, cut?: AbortSignal): Promise<ChaosRun> {
  const state = await files.readState();
  const layout = await files.readLayout();
  if (!state || !layout) throw new Error(`no cluster is running from ${files.root}; start one with flotilla up`);
  if (!state.controlUrl) throw new Error('the running launcher has no control endpoint (it is older than flotilla chaos); restart it with flotilla up');
  const masters = layout.masters.map((m) => m.name);
  const workers = layout.workers.map((w) => w.name);
  const planInput = { kinds: options.faults, durationMs: options.durationMs, intervalMs: options.intervalMs, downForMs: options.downForMs, workers, replicas: options.replicas, seed: options.seed };
  const plan = planFaults(planInput);
  const scales = planScales(planInput);

  const probe = await Probe.forCluster(await ClusterPki.forLayout(files.root, layout));
  const client = await RestClient.fromKubeconfig(state.adminKubeconfig, { userAgent: 'flotilla-chaos', requestTimeoutMs: 5000 });
  const namespace = `chaos-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
  let t0 = Date.now();
  const now = () => Date.now() - t0;
  const workload = new DeploymentWorkload(client, namespace);
  const writer = new ConfigMapWriter(client, { namespace, keys: 8, writers: 2, pauseMs: 20, now });
  const observer = new ClusterObserver(client, probe, files, layout, namespace, now);
  const faults: FaultRecord[] = [];
  const scaleRecords: ScaleRecord[] = [];
  try {
    say(`chaos: namespace ${namespace}, a Deployment of ${options.replicas} and ConfigMap writes; ${plan.length} faults planned (${plan.map((f) => f.kind).join(', ') || 'none'})`);
    observer.start();
    await workload.create(options.replicas, SetupTimeoutMs);
    if (!(await observeUntil(observer, SetupTimeoutMs, whole))) say(`chaos: the Deployment was not fully ready within ${SetupTimeoutMs / 1000} s; running anyway`);
    const startedAt = new Date();
    t0 = Date.now();
    observer.observations.length = 0;

    const running = new AbortController();
    const progress = setInterval(() => say(progressLine(now(), options.durationMs, writer.records, faults, observer.latest)), ProgressEveryMs);
    const work = [
      writer.run(running.signal),
      observer.run(running.signal, ObserveEveryMs),
      onSchedule(plan, now, running.signal, async (planned) => {
        await awaitTarget(planned, () => observer.latest, options.intervalMs / 2, running.signal);
        const record = await injectFault(state.controlUrl, planned, observer.latest, options.downForMs, now);
        faults.push(record);
        say(`chaos: ${sec(record.at)} ${record.kind}: ${record.skipped ? '' : 'killed '}${describeKill(record)}`);
      }),
      onSchedule(scales, now, running.signal, async (s) => {
        scaleRecords.push(await workload.scale(s.replicas, now()));
      }),
    ];
    await sleep(options.durationMs, cut);
    running.abort();
    clearInterval(progress);
    await Promise.all(work);

    say(`chaos: writes stopped at ${(now() / 1000).toFixed(1)} s; waiting up to ${options.settleMs / 1000} s for the Deployment to be whole and every leader back`);
    const leadersBack = (o: Observation) => Object.keys(o.leaders).length === 3;
    if (!(await observeUntil(observer, options.settleMs, (o) => whole(o) && leadersBack(o)))) say('chaos: the cluster did not settle in time; judging it as it is');
    const final = await readFinalValues(writer);
    const history: ChaosHistory = {
      startedAt: startedAt.toISOString(),
      endedAt: now(),
      writes: writer.records,
      faults,
      observations: observer.observations,
      bindings: observer.bindings,
      scales: scaleRecords,
      finalValues: final.values,
      ...(final.error ? { finalReadError: final.error } : {}),
    };
    return { options, namespace, masters, workers, plan, history };
  } finally {
    await observer.stop();
    if (!options.keepNamespace) await workload.remove(20_000).catch((err: Error) => say(`chaos: ${err.message}`));
    await client.close();
    await probe.close();
  }
}

/** The ConfigMaps' values at the end, retried for a while (a leader may still be settling). */
async function readFinalValues(writer: ConfigMapWriter): Promise<{ values: Record<string, number | null>; error?: string }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return { values: await writer.readFinalValues() };
    } catch (err) {
      if (Date.now() > deadline) return { values: {}, error: describeError(err) };
      await sleep(500);
    }
  }
}
