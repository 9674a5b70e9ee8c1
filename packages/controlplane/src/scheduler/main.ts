#!/usr/bin/env node
/** kube-scheduler: `kube-scheduler --kubeconfig PATH [--port N] [--leader-elect ...]`; see --help. */
import { parseCommandLine, runMain } from '../apiserver/command-line.js';
import { createLogger } from '../apiserver/log.js';
import { stopSignal } from '../client/component/signals.js';
import { parseSchedulerFlags, schedulerUsage } from './driver/scheduler-flags.js';
import { SchedulerServer } from './driver/scheduler-server.js';

runMain('kube-scheduler', async (argv) => {
  const flags = parseCommandLine(argv, (a) => parseSchedulerFlags(a), schedulerUsage);
  if (typeof flags === 'number') return flags;
  const logger = createLogger(flags.logLevel, 'kube-scheduler');
  const stop = stopSignal();
  // Losing the lease ends the process, as kube-scheduler does: a supervisor starts it again as a standby.
  const server = await SchedulerServer.start(flags, logger, () => process.exit(1));
  process.stdout.write(`kube-scheduler serving on ${server.url}\n`);
  await new Promise((resolve) => stop.addEventListener('abort', resolve, { once: true }));
  logger.info('stopping kube-scheduler');
  await server.stop();
  return 0;
});
