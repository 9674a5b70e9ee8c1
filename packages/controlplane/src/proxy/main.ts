#!/usr/bin/env node
import { hostname } from 'node:os';
import { parseCommandLine, runMain } from '../apiserver/command-line.js';
import { createLogger } from '../apiserver/log.js';
import { RestClient } from '../client/index.js';
import { parseFlags, usage } from './flags.js';
import { KubeProxy } from './kube-proxy.js';
import { ProxyStatusServer } from './status-server.js';

/** The kube-proxy binary: flags → KubeProxy and its HTTP endpoints; SIGINT/SIGTERM stop it cleanly. */
async function main(argv: string[]): Promise<number> {
  const flags = parseCommandLine(argv, (args) => parseFlags(args, hostname()), usage);
  if (typeof flags === 'number') return flags;
  const logger = createLogger(flags.logLevel, 'kube-proxy');
  const client = await RestClient.fromKubeconfig(flags.kubeconfig!, { userAgent: `kube-proxy/${flags.hostnameOverride}` });
  // --print-iptables only reads: the rules are computed in iptables mode, so nothing is bound.
  const proxy = new KubeProxy({
    client,
    hostname: flags.hostnameOverride,
    mode: flags.printIptables ? 'iptables' : flags.proxyMode,
    logger,
    listenerRetryIntervalMs: flags.listenerRetryPeriodMs,
  });
  const stopping = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  if (flags.printIptables) {
    await proxy.start();
    process.stdout.write(proxy.iptablesRules());
    await proxy.stop();
    await client.close();
    return 0;
  }
  const status = await ProxyStatusServer.start(proxy, flags.bindAddress, flags.port);
  const { address, port } = status.address;
  process.stdout.write(`kube-proxy serving on http://${address}:${port}\n`);
  const started = proxy.start();
  await stopping;
  logger.info('shutting down');
  await status.stop();
  await proxy.stop();
  await started;
  await client.close();
  return 0;
}

runMain('kube-proxy', main);
