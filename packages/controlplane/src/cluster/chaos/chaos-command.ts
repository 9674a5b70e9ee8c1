import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClusterFiles } from '../cluster-files.js';
import { chaosOptions } from './chaos-options.js';
import { runChaos } from './chaos-run.js';
import { renderReportHtml } from './report-html.js';
import { formatSummary } from './summary-text.js';
import { judge } from './verdict.js';

/**
 * `flotilla chaos`: runs the chaos against the running cluster, judges the history, prints the
 * summary and writes report.json (options, plan, history, verdict) and report.html to the report
 * dir. Answers the exit status: 0 when every check passed, 1 otherwise. Ctrl-C ends the chaos
 * early and still judges what was recorded.
 */
export async function runChaosCommand(files: ClusterFiles, values: Readonly<Record<string, string | boolean | undefined>>, say: (line: string) => void): Promise<number> {
  const options = chaosOptions(values, files.root);
  const cut = new AbortController();
  const onSignal = () => {
    say('chaos: stopping early; settling and judging what was recorded');
    cut.abort();
  };
  process.once('SIGINT', onSignal);
  let run;
  try {
    run = await runChaos(files, options, say, cut.signal);
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
  const verdict = judge(run.history);
  await mkdir(options.reportDir, { recursive: true });
  const jsonFile = join(options.reportDir, 'report.json');
  const htmlFile = join(options.reportDir, 'report.html');
  await writeFile(jsonFile, JSON.stringify({ ...run, verdict }, null, 1) + '\n');
  await writeFile(htmlFile, renderReportHtml(run, verdict));
  say('');
  say(formatSummary(run, verdict));
  say(`reports: ${jsonFile}\n         ${htmlFile}`);
  return verdict.passed ? 0 : 1;
}
