#!/usr/bin/env node
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { arch, cpus, platform, release, totalmem, type as osType } from 'node:os';
import { runMain } from '../apiserver/command-line.js';
import { createLogger } from '../apiserver/log.js';
import { FlagError } from '../client/component/flags.js';
import { stopSignal } from '../client/component/signals.js';
import { RestClient } from '../client/index.js';
import { nodeNameOf, parseFlags, rootDirOf, usage, type KubeletFlags } from './flags.js';
import { Kubelet } from './kubelet.js';
import { goArch } from './node/node-object.js';
import { DEFAULT_BACKOFF } from './pod/backoff.js';
import { defaultPodCidr } from './pod/pod-ip-allocator.js';

/** The version the kubelet reports in nodeInfo.kubeletVersion. */
export const KUBELET_VERSION = 'v1.30.0-flotilla';

async function firstLine(path: string): Promise<string> {
  return (await readFile(path, 'utf8').catch(() => '')).trim().split('\n')[0] ?? '';
}

async function create(flags: KubeletFlags): Promise<Kubelet> {
  const logger = createLogger(flags.logLevel, 'kubelet');
  const name = nodeNameOf(flags);
  const client = await RestClient.fromKubeconfig(flags.kubeconfig!, { userAgent: `kubelet/${KUBELET_VERSION}` });
  const osRelease = await readFile('/etc/os-release', 'utf8').catch(() => '');
  return Kubelet.create(client, {
    node: {
      name,
      nodeIP: flags.nodeIP,
      podCIDR: flags.podCIDR ?? defaultPodCidr(name),
      cpu: flags.cpu ?? String(cpus().length),
      memory: flags.memory ?? `${Math.floor(totalmem() / 1024)}Ki`,
      maxPods: flags.maxPods,
      labels: flags.nodeLabels,
      taints: flags.registerWithTaints,
      os: platform(),
      arch: goArch(arch()),
      kubeletVersion: KUBELET_VERSION,
      kernelVersion: release(),
      osImage: /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1] ?? osType(),
      bootID: (await firstLine('/proc/sys/kernel/random/boot_id')) || randomUUID(),
      machineID: (await firstLine('/etc/machine-id')) || name,
    },
    runtime: flags.runtime,
    rootDir: rootDirOf(flags, name),
    bindAddress: flags.bindAddress,
    port: flags.port,
    heartbeat: { leaseRenewMs: flags.nodeLeaseRenewIntervalMs, leaseDurationSeconds: flags.nodeLeaseDurationSeconds, statusUpdateMs: flags.nodeStatusUpdateFrequencyMs },
    backoff: { ...DEFAULT_BACKOFF, baseMs: flags.crashLoopBackoffBaseMs, maxMs: flags.crashLoopBackoffMaxMs, resetAfterMs: 2 * flags.crashLoopBackoffMaxMs },
    logger,
  });
}

/** The kubelet binary: flags → Kubelet; prints one "serving on" line; SIGTERM/SIGINT stop it (exit 0). */
async function main(argv: string[]): Promise<number> {
  let flags: KubeletFlags;
  try {
    flags = parseFlags(argv);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    process.stderr.write(`Error: ${err.message}\n${usage()}\n`);
    return 2;
  }
  if (flags.help) {
    process.stdout.write(usage());
    return 0;
  }
  const stopped = stopSignal();
  const kubelet = await create(flags);
  await kubelet.listen();
  process.stdout.write(`kubelet serving on ${kubelet.url}\n`);
  // run() waits for the apiserver as long as it takes; a signal meanwhile stops it like any other time.
  const running = kubelet.run();
  const signalled = new Promise<void>((resolve) => (stopped.aborted ? resolve() : stopped.addEventListener('abort', () => resolve(), { once: true })));
  await Promise.race([running, signalled]);
  await signalled;
  await kubelet.stop();
  await running;
  return 0;
}

runMain('kubelet', main);
