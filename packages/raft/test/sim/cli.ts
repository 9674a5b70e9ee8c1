/**
 * The deterministic Raft simulator from the command line.
 *
 *   npm run sim -w @flotilla/raft -- --seeds 10000     run seeds 1..10000
 *   npm run sim -w @flotilla/raft -- --seed 4242 --trace   replay one seed, printing every event
 *
 * Options: --seeds N (default 100), --start K (first seed, default 1), --seed S, --trace.
 * Ends with `seeds: N passed, M failed`; exits 1 if any failed.
 */
import { parseArgs } from 'node:util';
import { runSeed, type ScenarioResult } from './scenario.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '100' },
    start: { type: 'string', default: '1' },
    seed: { type: 'string' },
    trace: { type: 'boolean', default: false },
  },
});

function describe(r: ScenarioResult): string {
  return `seed ${r.seed}: ${r.clusterSize} nodes, ${r.ticks} ticks, ${r.committed} committed, ${r.acknowledged} acked, ${r.reads} reads, ${r.crashes} crashes, ${r.membershipChanges} membership changes, ${r.snapshotsInstalled} snapshots installed, digest ${r.digest}`;
}

if (values.seed !== undefined) {
  const seed = Number(values.seed);
  const r = runSeed(seed, values.trace ? (line) => process.stdout.write(`${line}\n`) : undefined);
  process.stdout.write(`${describe(r)}\n`);
  if (!r.ok) process.stdout.write(`FAILED: ${r.error}\n`);
  process.stdout.write(`seeds: ${r.ok ? 1 : 0} passed, ${r.ok ? 0 : 1} failed\n`);
  process.exitCode = r.ok ? 0 : 1;
} else {
  const count = Number(values.seeds);
  const start = Number(values.start);
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(start)) {
    process.stderr.write('--seeds and --start must be integers\n');
    process.exit(2);
  }
  let passed = 0;
  let failed = 0;
  const began = Date.now();
  let lastReport = began;
  for (let seed = start; seed < start + count; seed++) {
    const r = runSeed(seed);
    if (r.ok) passed++;
    else {
      failed++;
      process.stdout.write(`\nFAILED seed ${seed}: ${r.error}\n  replay: npm run sim -w @flotilla/raft -- --seed ${seed} --trace\n`);
    }
    const now = Date.now();
    if (now - lastReport >= 1000 || seed === start + count - 1) {
      lastReport = now;
      const done = passed + failed;
      const rate = done / ((now - began) / 1000);
      process.stderr.write(`\rseeds ${done}/${count}  passed ${passed}  failed ${failed}  ${rate.toFixed(1)} seeds/s  eta ${Math.max(0, (count - done) / rate).toFixed(0)} s   `);
    }
  }
  process.stderr.write('\n');
  process.stdout.write(`seeds: ${passed} passed, ${failed} failed\n`);
  process.exitCode = failed > 0 ? 1 : 0;
}
