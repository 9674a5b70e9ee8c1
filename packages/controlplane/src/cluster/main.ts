#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { ChaosOptionError, ChaosUsage } from './chaos/chaos-options.js';
import { runChaosCommand } from './chaos/chaos-command.js';
import { ClusterFiles, isAlive } from './cluster-files.js';
import { ClusterPki } from './pki.js';
import { Probe, waitFor } from './probe.js';
import { clusterStatus, formatStatus, formatTable } from './status.js';
import { up } from './up.js';

const USAGE = `flotilla: a Kubernetes control plane on the kvstore, on this machine

Usage:
  flotilla up [--masters 3] [--workers 2] [--runtime process|hollow] [--ports familiar|auto]
  flotilla status [-o table|json]
  flotilla kubeconfig [--path]
  flotilla kill <master-N | worker-N | master-N/<component> | kvstore | kube-scheduler | kube-controller-manager> [--down-for SECONDS]
  flotilla down
  flotilla chaos [--duration 120] [--interval 20] [--faults store-leader,scheduler-leader,controller-leader,worker] [--down-for 10] [--replicas 4] [--seed N]

Every command takes --data-dir DIR (default ./.flotilla, or $FLOTILLA_HOME).
up:   starts (or resumes) the cluster and stays in the foreground; Ctrl-C stops it.
      --log-level debug|info|warn|error (components' logs go to DIR/logs)
      --restart-delay SECONDS   how soon a process that died is started again (default 3)
      --ready-timeout SECONDS   how long to wait for every node to be Ready (default 120)
      --node-grace-period SECONDS  missed heartbeats before a node is NotReady (default 40)
      --eviction-timeout SECONDS   before the pods of a NotReady node are evicted (default 300)
kill: kill -9; the launcher starts the processes again after --down-for seconds (default: the
      restart delay). A bare component name kills its leader (the store leader, the active
      scheduler or controller-manager).
${ChaosUsage}`;

const say = (line: string) => process.stdout.write(line + '\n');

async function runUp(files: ClusterFiles, values: Record<string, string | boolean | undefined>): Promise<number> {
  const int = (name: string, fallback: number) => {
    const v = values[name];
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`invalid value "${v}" for --${name}`);
    return n;
  };
  const runtime = (values.runtime as string | undefined) ?? 'process';
  if (runtime !== 'process' && runtime !== 'hollow') throw new UsageError(`--runtime must be process or hollow, not "${runtime}"`);
  const ports = (values.ports as string | undefined) ?? 'familiar';
  if (ports !== 'familiar' && ports !== 'auto') throw new UsageError(`--ports must be familiar or auto, not "${ports}"`);
  const startedAt = Date.now();
  const cluster = await up({
    files,
    masters: int('masters', 3),
    workers: int('workers', 2),
    runtime,
    ports,
    logLevel: (values['log-level'] as string | undefined) ?? 'info',
    restartDelayMs: int('restart-delay', 3) * 1000,
    readyTimeoutMs: int('ready-timeout', 120) * 1000,
    nodeGracePeriodSeconds: values['node-grace-period'] === undefined ? undefined : int('node-grace-period', 40),
    evictionTimeoutSeconds: values['eviction-timeout'] === undefined ? undefined : int('eviction-timeout', 300),
    say,
  });
  const probe = await Probe.forCluster(cluster.pki);
  const state = await files.readState();
  say(`\ncluster up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`);
  say(
    formatTable(
      ['ENDPOINT', 'URL'],
      [
        ['kube-apiserver (front door)', cluster.frontDoor.url],
        ['kvstore', cluster.layout.masters.map((m) => m.storeClientUrl).join(',')],
        ['admin kubeconfig', files.adminKubeconfig],
        ['prometheus config', files.prometheusConfig],
      ],
    ),
  );
  if (state) say(formatStatus(await clusterStatus(probe, state, cluster.layout)));
  await probe.close();
  say(`kubectl --kubeconfig ${files.adminKubeconfig} get nodes\nCtrl-C (or flotilla down) stops the cluster; flotilla up resumes it.`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  say('\nstopping the cluster...');
  await cluster.stop();
  say('stopped');
  return 0;
}

async function runStatus(files: ClusterFiles, output: string | undefined): Promise<number> {
  if (output !== undefined && output !== 'json' && output !== 'table') throw new UsageError(`--output must be table or json, not "${output}"`);
  const state = await files.readState();
  const layout = await files.readLayout();
  if (!state || !layout) {
    say(`no cluster is running from ${files.root}`);
    return 1;
  }
  const probe = await Probe.forCluster(await ClusterPki.forLayout(files.root, layout));
  try {
    const status = await clusterStatus(probe, state, layout);
    say(output === 'json' ? JSON.stringify(status, null, 2) : formatStatus(status));
  } finally {
    await probe.close();
  }
  return 0;
}

async function runDown(files: ClusterFiles): Promise<number> {
  const state = await files.readState();
  if (!state) {
    say(`no cluster is running from ${files.root}`);
    return 0;
  }
  process.kill(state.supervisorPid, 'SIGTERM');
  await waitFor('the cluster to stop', 120_000, async () => !isAlive(state.supervisorPid), 200);
  say('stopped');
  return 0;
}

async function runKill(files: ClusterFiles, target: string | undefined, downFor: string | undefined): Promise<number> {
  if (!target) throw new UsageError('kill needs a target');
  const downForSeconds = downFor === undefined ? undefined : Number(downFor);
  if (downForSeconds !== undefined && !(downForSeconds >= 0)) throw new UsageError(`invalid value "${downFor}" for --down-for`);
  const state = await files.readState();
  if (!state) throw new UsageError(`no cluster is running from ${files.root}`);
  const res = await request(`${state.controlUrl}/kill`, { method: 'POST', body: JSON.stringify({ target, downForSeconds }) });
  const answer = (await res.body.json()) as { error?: string; killed?: { host: string; component: string; pid: number; role: string }[] };
  if (answer.error) throw new Error(answer.error);
  for (const v of answer.killed ?? []) say(`killed ${v.host}/${v.component} (pid ${v.pid}${v.role ? `, ${v.role}` : ''})`);
  return 0;
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        masters: { type: 'string' },
        workers: { type: 'string' },
        runtime: { type: 'string' },
        ports: { type: 'string' },
        'log-level': { type: 'string' },
        'restart-delay': { type: 'string' },
        'ready-timeout': { type: 'string' },
        path: { type: 'boolean' },
        output: { type: 'string', short: 'o' },
        'down-for': { type: 'string' },
        'node-grace-period': { type: 'string' },
        'eviction-timeout': { type: 'string' },
        duration: { type: 'string' },
        interval: { type: 'string' },
        faults: { type: 'string' },
        replicas: { type: 'string' },
        seed: { type: 'string' },
        'report-dir': { type: 'string' },
        settle: { type: 'string' },
        'keep-namespace': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  const files = ClusterFiles.fromEnvironment(values['data-dir']);
  switch (command) {
    case 'up':
      return runUp(files, values);
    case 'status':
      return runStatus(files, values.output as string | undefined);
    case 'down':
      return runDown(files);
    case 'kill':
      return runKill(files, rest[0], values['down-for'] as string | undefined);
    case 'chaos':
      return runChaosCommand(files, values, say).catch((err: Error) => {
        throw err instanceof ChaosOptionError ? new UsageError(err.message) : err;
      });
    case 'kubeconfig':
      if (values.path) say(files.adminKubeconfig);
      else process.stdout.write(await readFile(files.adminKubeconfig, 'utf8'));
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`flotilla: ${err.message}\n${err instanceof UsageError ? `\n${USAGE}` : ''}`);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
