#!/usr/bin/env node
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parseCommandLine, runMain } from '../apiserver/command-line.js';
import { createLogger } from '../apiserver/log.js';
import { startComponentServer } from '../client/component/component-server.js';
import { stopSignal } from '../client/component/signals.js';
import { RestClient } from '../client/rest/rest-client.js';
import { ControllerManager } from './controller-manager.js';
import { parseFlags, usage } from './flags.js';

const COMPONENT = 'kube-controller-manager';

/** The kube-controller-manager binary: flags → ControllerManager and its /metrics + health server; SIGINT/SIGTERM stop both. */
async function main(argv: string[]): Promise<number> {
  const flags = parseCommandLine(argv, parseFlags, usage);
  if (typeof flags === 'number') return flags;
  const logger = createLogger(flags.logLevel, COMPONENT);
  let client: RestClient;
  try {
    client = await RestClient.fromKubeconfig(flags.kubeconfig!, { userAgent: COMPONENT });
  } catch (err) {
    process.stderr.write(`Error: cannot load the kubeconfig: ${(err as Error).message}\n`);
    return 1;
  }
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const manager = new ControllerManager({
    client,
    logger,
    registry,
    controllers: flags.controllers,
    settings: {
      nodeMonitorPeriodMs: flags.nodeMonitorPeriodMs,
      nodeMonitorGracePeriodMs: flags.nodeMonitorGracePeriodMs,
      workers: {
        deployment: flags.concurrentDeploymentSyncs,
        replicaset: flags.concurrentReplicaSetSyncs,
        daemonset: flags.concurrentDaemonSetSyncs,
        endpoint: flags.concurrentEndpointSyncs,
        namespace: flags.concurrentNamespaceSyncs,
        garbagecollector: flags.concurrentGcSyncs,
      },
    },
    leaderElection: flags.leaderElect
      ? {
          namespace: flags.leaseNamespace,
          name: flags.leaseName,
          leaseDurationMs: flags.leaseDurationMs,
          renewDeadlineMs: flags.renewDeadlineMs,
          retryPeriodMs: flags.retryPeriodMs,
        }
      : undefined,
  });
  const stop = stopSignal();
  const health = await startComponentServer({ bindAddress: flags.bindAddress, port: flags.port, registry });
  manager.start();
  logger.info('started', { identity: manager.identity, leaderElect: flags.leaderElect, url: health.url });
  process.stdout.write(`${COMPONENT} serving on ${health.url}\n`);
  await new Promise((resolve) => stop.addEventListener('abort', resolve, { once: true }));
  logger.info('shutting down');
  await manager.stop();
  await health.close();
  await client.close();
  return 0;
}

runMain(COMPONENT, main);
