import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { writeOutput } from '../bench/result-file.js';
import { checkHistory, type Verdict } from './check/index.js';
import { CHAOS_USAGE, ChaosHelpRequested, ChaosUsageError, parseChaosOptions } from './options.js';
import { renderReportHtml, replayCommand } from './report-html.js';
import { summarise } from './run-summary.js';
import { runChaos, type ChaosRun } from './runner.js';
import { formatSummary } from './summary-table.js';

export interface ChaosIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly cwd: string;
}

/** Faults that take the leader away; the availability check measures how long writes stopped after each. */
const LEADER_FAULTS = ['kill-leader', 'partition-leader'];
/** The linearizability search gives up (verdict unknown) past this much wall time. */
const CHECK_BUDGET_MS = 300_000;

/** What the checkers said, or why they could not say anything. */
export interface CheckedRun {
  readonly run: ChaosRun;
  readonly verdict: Verdict | undefined;
  readonly checkError?: string;
}

/** Runs every check over the run's history; a history the checkers reject is reported, not thrown. */
export function checkRun(run: ChaosRun): CheckedRun {
  const deadline = performance.now() + CHECK_BUDGET_MS;
  try {
    const options = { leaderFaultKinds: LEADER_FAULTS, maxUnavailableMs: run.options.maxUnavailableMs, shouldStop: () => performance.now() > deadline };
    return { run, verdict: checkHistory(run.history, options) };
  } catch (err) {
    return { run, verdict: undefined, checkError: (err as Error).message };
  }
}

/** Writes report.json (the history and the verdict) and report.html into the run's --out folder. */
export async function writeReports(checked: CheckedRun): Promise<{ json: string; html: string }> {
  const { run, verdict, checkError } = checked;
  const summary = summarise(run);
  const json = join(run.options.out, 'report.json');
  const html = join(run.options.out, 'report.html');
  const doc = {
    tool: 'kvstore chaos',
    startedAt: run.startedAt.toISOString(),
    replay: replayCommand(run),
    options: run.options,
    members: run.members,
    summary,
    failovers: run.failovers,
    leaders: run.leaders,
    skippedFaults: run.skippedFaults,
    verdict: verdict ?? null,
    ...(checkError ? { checkError } : {}),
    history: run.history,
  };
  await writeOutput(json, JSON.stringify(doc) + '\n');
  await writeOutput(html, renderReportHtml(run, summary, verdict, checkError));
  return { json, html };
}

/**
 * `kvstore chaos [flags]`: runs the cluster, workload and faults, checks the history, prints the
 * summary table on stdout and writes the reports. Resolves with the exit code: 0 only if every
 * check passed; 1 if any did not (or the run could not complete); 2 for bad flags. SIGINT ends
 * the workload early and still checks what was recorded.
 */
export async function chaosMain(argv: readonly string[], io: ChaosIo = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }): Promise<number> {
  let options;
  try {
    options = parseChaosOptions(argv, io.cwd, randomInt(2 ** 31));
  } catch (err) {
    if (err instanceof ChaosHelpRequested) {
      io.stdout.write(CHAOS_USAGE);
      return 0;
    }
    if (!(err instanceof ChaosUsageError)) throw err;
    io.stderr.write(`kvstore chaos: ${err.message}\n(see kvstore chaos --help)\n`);
    return 2;
  }
  io.stderr.write(`kvstore chaos: seed ${options.seed}\n`);
  const interrupt = new AbortController();
  const onSigint = () => {
    io.stderr.write('\ninterrupted: healing, reading the final state and checking what was recorded\n');
    interrupt.abort();
  };
  process.once('SIGINT', onSigint);
  try {
    const run = await runChaos(options, (line) => io.stderr.write(`${line}\n`), interrupt.signal);
    io.stderr.write(`checking ${run.history.operations.length} operations\n`);
    const checked = checkRun(run);
    io.stdout.write(formatSummary(run, summarise(run), checked.verdict, checked.checkError));
    const files = await writeReports(checked);
    io.stderr.write(`wrote ${files.json} and ${files.html}\n`);
    return checked.verdict?.status === 'ok' ? 0 : 1;
  } catch (err) {
    io.stderr.write(`kvstore chaos: ${(err as Error).stack ?? err}\n`);
    return 1;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
