/**
 * `node dist/bench/check-history.js [--ops N] [--clients N] [--keys N] [--seed N] [--unknown R]`:
 * checks one simulated history of a linearizable store (10,000 ops, 8 clients, 20 keys by default,
 * 2% unknown outcomes) and prints how long each check took and how many states the
 * linearizability search explored. The figures also go to bench-results/check-history.json
 * (not committed). A yardstick, not a test: nothing here asserts a time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkHistory } from '../src/chaos/check/index.js';
import { simulateHistory } from '../test/chaos/check/simulated-history.js';

const { values } = parseArgs({
  options: {
    ops: { type: 'string', default: '10000' },
    clients: { type: 'string', default: '8' },
    keys: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    unknown: { type: 'string', default: '0.02' },
  },
});
const params = { seed: Number(values.seed), clients: Number(values.clients), keys: Number(values.keys), operations: Number(values.ops), unknownRate: Number(values.unknown), failedRate: 0.01 };

const history = simulateHistory(params);
const started = performance.now();
const verdict = checkHistory(history);
const elapsedMs = performance.now() - started;

const lin = verdict.checks.linearizability.details;
const rows = Object.values(verdict.checks).map((c) => `${c.check.padEnd(20)} ${c.status.padEnd(10)} ${c.summary}`);
process.stdout.write(
  `history: ${params.operations} ops, ${params.clients} clients, ${params.keys} keys, seed ${params.seed}, ${params.unknownRate * 100}% unknown\n` +
    `${rows.join('\n')}\n` +
    `verdict ${verdict.status} in ${elapsedMs.toFixed(0)} ms; linearizability: ${lin.states} states, ${lin.steps} steps over ${lin.keys} keys\n`,
);

const dir = new URL('../../bench-results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const out = new URL('check-history.json', dir);
writeFileSync(out, JSON.stringify({ params, status: verdict.status, elapsedMs, states: lin.states, steps: lin.steps, keys: lin.keys, operations: lin.operations }, null, 2) + '\n');
process.stdout.write(`wrote ${out.pathname}\n`);
