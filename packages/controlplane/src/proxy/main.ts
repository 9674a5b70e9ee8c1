#!/usr/bin/env node
/** kube-proxy: `kube-proxy --kubeconfig PATH [--port N] [--proxy-mode userspace|iptables]`; see --help. */
import { hostname } from 'node:os';
import { parseCommandLine, runMain } from '../apiserver/command-line.js';
import { createLogger } from '../apiserver/log.js';
import { startComponentServer } from '../client/component/component-server.js';
import { stopSignal } from '../client/component/signals.js';
import { RestClient } from '../client/index.js';
import { parseFlags, usage } from './flags.js';
import { KubeProxy } from './kube-proxy.js';
import { proxyRoutes } from './status-routes.js';

runMain('kube-proxy', async (argv) => {
  const flags = parseCommandLine(argv, (args) => parseFlags(args, hostname()), usage);
  if (typeof flags === 'number') return flags;
  const logger = createLogger(flags.logLevel, 'kube-proxy');
  const stop = stopSignal();
  const client = await RestClient.fromKubeconfig(flags.kubeconfig!, { userAgent: `kube-proxy/${flags.hostnameOverride}` });
  // --print-iptables only reads: the rules are computed in iptables mode, so nothing is bound.
  const proxy = new KubeProxy({
    client,
    hostname: flags.hostnameOverride,
    mode: flags.printIptables ? 'iptables' : flags.proxyMode,
    logger,
    listenerRetryIntervalMs: flags.listenerRetryPeriodMs,
  });
  if (flags.printIptables) {
    await proxy.start();
    process.stdout.write(proxy.iptablesRules());
    await proxy.stop();
    await client.close();
    return 0;
  }
  const http = await startComponentServer({
    bindAddress: flags.bindAddress,
    port: flags.port,
    registry: proxy.metrics.registry,
    liveness: { 'proxy-rules-synced': () => proxy.healthy || 'no sync of the proxy rules from synced caches yet' },
    routes: proxyRoutes(proxy),
  });
  process.stdout.write(`kube-proxy serving on ${http.url}\n`);
  const started = proxy.start();
  await new Promise((resolve) => stop.addEventListener('abort', resolve, { once: true }));
  logger.info('stopping kube-proxy');
  await http.close();
  await proxy.stop();
  await started;
  await client.close();
  return 0;
});
