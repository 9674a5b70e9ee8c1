/**
 * `npm run bench:scheduler -w @flotilla/controlplane`: scheduling throughput of kube-scheduler (the
 * binary, as a child process) with 5,000 pods on 500 hollow nodes (Node objects whose Leases are
 * renewed every 10 s, as kubelets would), on a kube-apiserver over a three-member kvstore.
 * Prints pods scheduled per second and the time from creation to bound (p50, p99), shows progress
 * while it runs, and writes bench-results/scheduler-bench.json (gitignored).
 * Two modes: `streaming` (default) creates pods while the scheduler runs, so the rate is bounded by
 * the apiserver's creations too and creation-to-bound latency means something; `backlog` creates
 * every pod first and then starts the scheduler, measuring scheduling and binding alone.
 * Options: --mode streaming|backlog, --pods N, --nodes N, --concurrency N (creations in flight), --seed N, --out FILE.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Informer, Resources, RestClient } from '../src/client/index.js';
import type { KubeObject } from '../src/api/object.js';
import { TestControlPlane } from '../test/support/control-plane.js';
import { HeartbeatNodes } from '../test/support/heartbeat-nodes.js';
import { nodeNameOf, podObject } from '../test/scheduler/pod-objects.js';
import { ComponentProcess } from '../test/support/component-process.js';

const { values } = parseArgs({
  options: {
    pods: { type: 'string', default: '5000' },
    nodes: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '32' },
    seed: { type: 'string', default: '1' },
    mode: { type: 'string', default: 'streaming' },
    out: { type: 'string', default: 'bench-results/scheduler-bench.json' },
  },
});
const PODS = Number(values.pods);
const NODES = Number(values.nodes);
const CONCURRENCY = Number(values.concurrency);
const NS = 'bench';
const MODE = values.mode === 'backlog' ? 'backlog' : 'streaming';

const say = (line: string) => process.stdout.write(`${line}\n`);
const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function main(): Promise<void> {
  say('starting a 3-member kvstore and the apiserver...');
  const cp = await TestControlPlane.start({ watchCacheCapacity: Math.max(10_000, PODS * 4) });
  const client = await RestClient.fromKubeconfig(cp.adminKubeconfig, { userAgent: 'scheduler-bench' });
  let nodes: HeartbeatNodes | undefined;
  let scheduler: ComponentProcess | undefined;
  let pods: Informer | undefined;
  let progress: NodeJS.Timeout | undefined;
  try {
    await client.create(Resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    say(`registering ${NODES} hollow nodes (32 cpu, 64Gi, 110 pods each)...`);
    const specs = Array.from({ length: NODES }, (_, i) => ({ name: `hollow-${String(i).padStart(4, '0')}`, cpu: '32', memory: '64Gi', pods: '110' }));
    nodes = await HeartbeatNodes.start(client, specs, { intervalMs: 10_000, concurrency: 32 });

    const createdAt = new Map<string, number>();
    const boundAt = new Map<string, number>();
    const nodeCounts = new Map<string, number>();
    pods = new Informer(client, Resources.pods, { namespace: NS });
    const note = (p: KubeObject) => {
      const name = p.metadata.name!;
      const node = nodeNameOf(p);
      if (!node || boundAt.has(name)) return;
      boundAt.set(name, performance.now());
      nodeCounts.set(node, (nodeCounts.get(node) ?? 0) + 1);
    };
    pods.addEventHandler({ onAdd: note, onUpdate: (_, p) => note(p) });
    pods.start();
    await pods.waitForSync();

    const startScheduler = async (): Promise<ComponentProcess> => {
      say('starting kube-scheduler...');
      const s = await ComponentProcess.start('kube-scheduler', 'scheduler/main.js', ['--kubeconfig', cp.adminKubeconfig, '--port=0', '--log-level=warn', `--seed=${values.seed}`, '--leader-elect-retry-period=500ms']);
      scheduler = s;
      const leadDeadline = Date.now() + 60_000;
      while (!(await s.isLeader())) {
        if (Date.now() > leadDeadline) throw new Error(`kube-scheduler did not lead: ${s.stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return s;
    };
    let leading = MODE === 'streaming' ? await startScheduler() : undefined;

    say(`creating ${PODS} pods (100m cpu, 128Mi each; ${CONCURRENCY} creations in flight)...`);
    const started = performance.now();
    progress = setInterval(() => say(`  ${((performance.now() - started) / 1000).toFixed(1)} s: ${createdAt.size} created, ${boundAt.size} bound`), 2000);
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < PODS) {
          const name = `pod-${String(next++).padStart(5, '0')}`;
          const t = performance.now();
          await client.create(Resources.pods, podObject(name, { namespace: NS, cpu: '100m', memory: '128Mi' }));
          createdAt.set(name, t);
        }
      }),
    );
    const createdSeconds = (performance.now() - started) / 1000;
    let schedulingFrom = Math.min(...createdAt.values());
    if (!leading) {
      leading = await startScheduler();
      schedulingFrom = performance.now();
    }
    const deadline = Date.now() + 30 * 60_000;
    while (boundAt.size < PODS) {
      if (Date.now() > deadline || !leading.running) throw new Error(`only ${boundAt.size}/${PODS} pods bound (scheduler stderr: ${leading.stderr.slice(-2000)})`);
      await new Promise((r) => setTimeout(r, 100));
    }
    clearInterval(progress);
    const lastBound = Math.max(...boundAt.values());
    const seconds = (lastBound - schedulingFrom) / 1000;
    const latencies = [...boundAt].map(([name, t]) => (t - createdAt.get(name)!) / 1000).sort((a, b) => a - b);
    const perNode = [...nodeCounts.values()];
    // The decision alone (filter and score over all nodes), from the scheduler's own histogram.
    const metrics = await (await fetch(`${leading.url}/metrics`)).text();
    const metric = (name: string) => Number(new RegExp(`^${name}\\{result="scheduled",profile="default-scheduler"\\} (\\S+)$`, 'm').exec(metrics)?.[1]);
    const decisionMs = (metric('scheduler_scheduling_attempt_duration_seconds_sum') / metric('scheduler_scheduling_attempt_duration_seconds_count')) * 1000;
    const result = {
      bench: 'scheduler',
      mode: MODE,
      date: new Date().toISOString(),
      pods: PODS,
      nodes: NODES,
      creationConcurrency: CONCURRENCY,
      seed: Number(values.seed),
      createSeconds: +createdSeconds.toFixed(2),
      createdPerSecond: Math.round(PODS / createdSeconds),
      scheduleSeconds: +seconds.toFixed(2),
      podsScheduledPerSecond: Math.round(PODS / seconds),
      creationToBoundSeconds: { p50: +percentile(latencies, 50).toFixed(3), p99: +percentile(latencies, 99).toFixed(3), max: +latencies[latencies.length - 1]!.toFixed(3) },
      meanDecisionMs: +decisionMs.toFixed(3),
      podsPerNode: { min: Math.min(...perNode), max: Math.max(...perNode), nodesUsed: perNode.length },
      cpus: (await import('node:os')).cpus().length,
      node: process.version,
    };
    say('');
    const span = MODE === 'streaming' ? 'first creation to last binding' : 'scheduler leading to last binding, all pods created before';
    say(`${PODS} pods on ${NODES} nodes scheduled in ${result.scheduleSeconds} s (${span}): ${result.podsScheduledPerSecond} pods/s`);
    say(`  creations: ${result.createdPerSecond} pods/s; creation to bound${MODE === 'backlog' ? ' (includes the wait for the scheduler)' : ''}: p50 ${result.creationToBoundSeconds.p50} s, p99 ${result.creationToBoundSeconds.p99} s`);
    say(`  one decision (filter + score over ${NODES} nodes): ${result.meanDecisionMs} ms on average`);
    say(`  pods per node: ${result.podsPerNode.min}..${result.podsPerNode.max} over ${result.podsPerNode.nodesUsed} nodes`);
    const out = resolve(values.out!);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, JSON.stringify(result, null, 2) + '\n');
    say(`wrote ${out}`);
  } finally {
    clearInterval(progress);
    await scheduler?.stop('SIGTERM');
    await pods?.stop();
    await nodes?.stop();
    await client.close();
    await cp.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
