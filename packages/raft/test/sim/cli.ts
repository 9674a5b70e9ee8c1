/**
 * The deterministic Raft simulator from the command line.
 *
 *   npm run sim -w @flotilla/raft -- --seeds 10000            run seeds 1..10000
 *   npm run sim -w @flotilla/raft -- --seed 4242 --trace      replay one seed, printing every event
 *
 * Options: --seeds N (default 100), --start K (first seed, default 1), --seed S, --trace,
 * --ticks T (ticks of chaos per seed before healing, default 600; replay with the same T).
 * Progress goes to stderr; the run ends with `seeds: N passed, M failed` and exits 1 if any failed.
 */
import { parseArgs } from 'node:util';
import { CHAOS_TICKS, runSeed, type ScenarioResult } from './scenario.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '100' },
    start: { type: 'string', default: '1' },
    seed: { type: 'string' },
    trace: { type: 'boolean', default: false },
    ticks: { type: 'string', default: String(CHAOS_TICKS) },
  },
});

function summary(r: ScenarioResult): string {
  return (
    `seed ${r.seed}: ${r.clusterSize} nodes ${r.settings}, ${r.ticks} ticks, ${r.committed} committed, ` +
    `${r.acknowledged} acked, ${r.reads} reads, ${r.elections} elections, ${r.crashes} crashes, ${r.membershipChanges} membership changes ` +
    `(${r.retired} retired), ${r.transfers} transfers, ${r.snapshotsInstalled} snapshots installed, digest ${r.digest}`
  );
}

function integer(name: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) {
    process.stderr.write(`--${name} must be an integer\n`);
    process.exit(2);
  }
  return n;
}

function replayOne(seed: number): void {
  const trace = values.trace ? (line: string) => process.stdout.write(`${line}\n`) : undefined;
  const r = runSeed(seed, { trace, chaosTicks: ticks });
  process.stdout.write(`${summary(r)}\n`);
  if (!r.ok) process.stdout.write(`FAILED seed ${seed}: ${r.error}\n`);
  process.stdout.write(`seeds: ${r.ok ? 1 : 0} passed, ${r.ok ? 0 : 1} failed\n`);
  process.exitCode = r.ok ? 0 : 1;
}

function runMany(start: number, count: number): void {
  if (count < 1) {
    process.stderr.write('--seeds must be at least 1\n');
    process.exit(2);
  }
  let passed = 0;
  let failed = 0;
  const began = Date.now();
  let lastReport = began;
  // On a terminal one line is rewritten every second; in a log, a line every ten seconds.
  const tty = process.stderr.isTTY === true;
  const progress = (final: boolean) => {
    const now = Date.now();
    if (!final && now - lastReport < (tty ? 1000 : 10_000)) return;
    lastReport = now;
    const done = passed + failed;
    const elapsed = (now - began) / 1000;
    const line = `seeds ${done}/${count} passed ${passed} failed ${failed} (${elapsed.toFixed(0)} s)`;
    process.stderr.write(tty ? `\r${line}   ${final ? '\n' : ''}` : `${line}\n`);
  };
  for (let seed = start; seed < start + count; seed++) {
    const r = runSeed(seed, { chaosTicks: ticks });
    if (r.ok) passed++;
    else {
      failed++;
      if (tty) process.stderr.write('\n');
      const extra = ticks === CHAOS_TICKS ? '' : ` --ticks ${ticks}`;
      process.stdout.write(`FAILED seed ${seed}: ${r.error}\n  replay: npm run sim -w @flotilla/raft -- --seed ${seed}${extra} --trace\n`);
    }
    progress(false);
  }
  progress(true);
  process.stdout.write(`seeds: ${passed} passed, ${failed} failed\n`);
  process.exitCode = failed > 0 ? 1 : 0;
}

// A reader that goes away (`| head`) is not an error of the simulation.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});

const ticks = integer('ticks', values.ticks);
if (values.seed !== undefined) replayOne(integer('seed', values.seed));
else runMany(integer('start', values.start), integer('seeds', values.seeds));
