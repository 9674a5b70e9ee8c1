/**
 * `npm run bench -w @flotilla/raft` — committed proposals per second and commit latency
 * of a three-node cluster (in-process nodes, on-disk LevelDB, the real HTTP transport on
 * 127.0.0.1) with 1, 16 and 256 concurrent proposers; and, in the same run, this disk's
 * synced writes per second, the ceiling of a log that syncs every entry on its own.
 *
 * Options: --seconds N (per concurrency level, default 5), --concurrency 1,16,256,
 * --payload BYTES (default 128), --out FILE (default bench-results/raft-bench.json).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import hdr from 'hdr-histogram-js';
import { measureSyncedWritesPerSecond } from '../src/storage/index.js';
import { startBenchCluster, type BenchCluster } from './cluster.js';
import { renderBenchSvg } from './chart.js';

interface LevelResult {
  concurrency: number;
  seconds: number;
  committed: number;
  proposalsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** Committed proposals per synced LevelDB batch on the leader: how much batching bought. */
  entriesPerSync: number;
}

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '1,16,256' },
    payload: { type: 'string', default: '128' },
    out: { type: 'string', default: 'bench-results/raft-bench.json' },
  },
});
const seconds = Number(values.seconds);
const levels = values.concurrency.split(',').map(Number);
const payloadBytes = Number(values.payload);
const outFile = resolve(values.out);

async function runLevel(cluster: BenchCluster, concurrency: number): Promise<LevelResult> {
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  const payload = new Uint8Array(payloadBytes).fill(7);
  const leader = cluster.leader();
  const syncsBefore = leader.metrics.syncedPersists;
  const deadline = performance.now() + seconds * 1000;
  let committed = 0;
  let lastReport = performance.now();
  let reported = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      await leader.propose(payload);
      histogram.recordValue(Math.max(1, Math.round((performance.now() - t0) * 1000))); // microseconds
      committed++;
      const now = performance.now();
      if (now - lastReport >= 1000) {
        const rate = ((committed - reported) * 1000) / (now - lastReport);
        process.stdout.write(`  c=${concurrency}: ${committed} committed, ${rate.toFixed(0)}/s\n`);
        lastReport = now;
        reported = committed;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  const syncs = leader.metrics.syncedPersists - syncsBefore;
  const result: LevelResult = {
    concurrency,
    seconds: elapsed,
    committed,
    proposalsPerSecond: committed / elapsed,
    latencyMs: {
      p50: histogram.getValueAtPercentile(50) / 1000,
      p99: histogram.getValueAtPercentile(99) / 1000,
      max: histogram.maxValue / 1000,
    },
    entriesPerSync: syncs > 0 ? committed / syncs : 0,
  };
  histogram.destroy();
  return result;
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'flotilla-raft-bench-'));
  try {
    console.log(`disk: measuring unbatched synced writes for ${seconds} s ...`);
    const disk = await measureSyncedWritesPerSecond(join(root, 'disk-probe'), seconds * 1000);
    console.log(`disk: ${disk.writesPerSecond.toFixed(0)} synced writes/s`);

    const cluster = await startBenchCluster(join(root, 'cluster'), 3);
    const results: LevelResult[] = [];
    try {
      for (const c of levels) {
        console.log(`cluster: ${c} concurrent proposer(s) for ${seconds} s ...`);
        results.push(await runLevel(cluster, c));
      }
    } finally {
      await cluster.stop();
    }

    console.log('');
    console.log('concurrency  proposals/s   p50 ms   p99 ms   max ms  entries/fsync  vs disk');
    for (const r of results) {
      console.log(
        `${String(r.concurrency).padStart(11)}  ${r.proposalsPerSecond.toFixed(0).padStart(11)}  ${r.latencyMs.p50
          .toFixed(2)
          .padStart(7)}  ${r.latencyMs.p99.toFixed(2).padStart(7)}  ${r.latencyMs.max.toFixed(2).padStart(7)}  ${r.entriesPerSync
          .toFixed(1)
          .padStart(13)}  ${(r.proposalsPerSecond / disk.writesPerSecond).toFixed(2).padStart(6)}x`,
      );
    }
    const top = results.find((r) => r.concurrency === 256) ?? results[results.length - 1];
    const ratio = top.proposalsPerSecond / disk.writesPerSecond;
    const goal = 5;
    console.log('');
    console.log(
      `with ${top.concurrency} proposers: ${top.proposalsPerSecond.toFixed(0)} committed/s = ${ratio.toFixed(2)}x this disk's ` +
        `${disk.writesPerSecond.toFixed(0)} synced writes/s (goal >= ${goal}x: ${ratio >= goal ? 'met' : 'NOT met'})`,
    );

    const report = {
      benchmark: 'raft-3-node-commit',
      date: new Date().toISOString(),
      node: process.version,
      payloadBytes,
      disk: { syncedWritesPerSecond: disk.writesPerSecond, samples: disk.count },
      levels: results,
      ratioToDisk: ratio,
      goal: { ratioToDisk: goal, met: ratio >= goal },
    };
    await mkdir(dirname(outFile), { recursive: true });
    await writeFile(outFile, JSON.stringify(report, null, 2) + '\n');
    const svgFile = outFile.replace(/\.json$/, '') + '.svg';
    await writeFile(svgFile, renderBenchSvg(report.levels, disk.writesPerSecond));
    console.log(`wrote ${outFile} and ${svgFile}`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
