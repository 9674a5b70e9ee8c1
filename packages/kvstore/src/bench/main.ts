import { errorMessage } from './gateway-client.js';
import { renderLatencyChart } from './latency-chart.js';
import { BenchHelpRequested, BenchUsageError, USAGE, parseBenchOptions, type BenchOptions } from './options.js';
import { runPut } from './put.js';
import { runRange } from './range.js';
import { formatReport, phaseFigures } from './report.js';
import { resultDocument, writeOutput } from './result-file.js';
import { runWatch } from './watch.js';
import type { WorkloadResult } from './workload-result.js';

/** Where `kvstore bench` reads and writes; the process's own by default, swapped in tests. */
export interface BenchIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly cwd: string;
}

/**
 * `kvstore bench put|range|watch [flags]`: runs the workload, prints etcd's summary on
 * stdout, writes the JSON result and an SVG chart beside it. Resolves with the exit code:
 * 0 after a run (server errors are counted, not fatal), 1 for bad flags or a run that
 * could not start. SIGINT stops handing out requests and reports what was done.
 */
export async function benchMain(argv: readonly string[], io: BenchIo = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }): Promise<number> {
  // `kvstore bench compare` starts its own clusters of ours and of etcd (compare.ts).
  if (argv[0] === 'compare') return (await import('./compare.js')).compareMain(argv.slice(1), io);
  let options: BenchOptions;
  try {
    options = parseBenchOptions(argv, io.cwd);
  } catch (err) {
    if (err instanceof BenchHelpRequested) {
      io.stdout.write(USAGE);
      return 0;
    }
    if (!(err instanceof BenchUsageError)) throw err;
    io.stderr.write(`kvstore bench: ${err.message}\n(see kvstore bench --help)\n`);
    return 1;
  }

  const abort = new AbortController();
  const onSigint = () => {
    io.stderr.write('\ninterrupted: finishing the requests in flight\n');
    abort.abort();
  };
  process.once('SIGINT', onSigint);
  try {
    const result = await runWorkload(options, abort.signal);
    io.stdout.write(formatReport(result));
    await writeOutput(options.out, JSON.stringify(resultDocument(options, result), null, 2) + '\n');
    const svg = options.out.replace(/\.json$/i, '') + '.svg';
    await writeOutput(svg, renderLatencyChart(chartTitle(options, result), result.main.recorder.series()));
    io.stderr.write(`wrote ${options.out} and ${svg}\n`);
    return 0;
  } catch (err) {
    io.stderr.write(`kvstore bench ${options.workload}: ${errorMessage(err)}\n`);
    return 1;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

function runWorkload(o: BenchOptions, signal: AbortSignal): Promise<WorkloadResult> {
  switch (o.workload) {
    case 'put':
      return runPut(o, signal);
    case 'range':
      return runRange(o, signal);
    case 'watch':
      return runWatch(o, signal);
  }
}

function chartTitle(o: BenchOptions, r: WorkloadResult): string {
  const f = phaseFigures(r.main);
  const p99 = r.main.recorder.summary().percentilesMs.p99 ?? 0;
  const what = o.workload === 'range' ? `range (${o.consistency === 's' ? 'serializable' : 'linearizable'})` : o.workload === 'watch' ? 'watch events' : 'put';
  return `kvstore bench ${what}: ${o.clients} clients, ${o.conns} conns, ${o.endpoints.length} endpoints, ${Math.round(f.throughput)} /s, p99 ${p99.toFixed(2)} ms`;
}
