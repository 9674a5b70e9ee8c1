#!/usr/bin/env node
/**
 * The `kvstore` binary: an etcd 3.4-compatible member, configured with etcd's flags and
 * ETCD_* environment variables (see server-config.ts).
 */
import { createServer } from 'node:http';
import { createLogger } from '@flotilla/raft';
import { ClientServer } from '../api/client-server.js';
import { MemberMetrics } from '../metrics/member-metrics.js';
import { Member } from '../server/member.js';
import { ConfigError, parseServerConfig } from './server-config.js';

// `kvstore chaos ...` runs a cluster under faults and checks its history (src/chaos), not a member.
if (process.argv[2] === 'chaos') {
  const { chaosMain } = await import('../chaos/main.js');
  process.exit(await chaosMain(process.argv.slice(3)));
}

// `kvstore bench put|range|watch ...` is the load generator (src/bench), not a member.
if (process.argv[2] === 'bench') {
  const { benchMain } = await import('../bench/main.js');
  process.exit(await benchMain(process.argv.slice(3)));
}

async function main(): Promise<void> {
  let config;
  try {
    config = parseServerConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`kvstore: ${err.message}\n`);
    process.exit(2);
  }
  const logger = createLogger({ level: config.logLevel }).child({ name: config.name });
  const member = await Member.start({
    name: config.name,
    dataDir: config.dataDir,
    peerUrls: config.initialAdvertisePeerUrls.length > 0 ? config.initialAdvertisePeerUrls : config.listenPeerUrls,
    clientUrls: config.advertiseClientUrls,
    initialCluster: config.initialCluster,
    initialClusterState: config.initialClusterState,
    initialClusterToken: config.initialClusterToken,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    electionTimeoutMs: config.electionTimeoutMs,
    snapshotCount: config.snapshotCount,
    quotaBackendBytes: config.quotaBackendBytes,
    maxTxnOps: config.maxTxnOps,
    maxRequestBytes: config.maxRequestBytes,
    autoCompactionMode: config.autoCompactionMode,
    autoCompactionRetention: config.autoCompactionRetention,
    logger,
  });
  const metrics = new MemberMetrics(member);
  const gateways = config.listenClientUrls.map((u) => {
    const url = new URL(u);
    return new ClientServer(member, { host: url.hostname, port: Number(url.port), maxRequestBytes: config.maxRequestBytes, watchProgressNotifyIntervalMs: config.watchProgressNotifyIntervalMs, metrics, logger });
  });
  for (const g of gateways) logger.info('serving client requests', { url: await g.start() });
  const metricsServers = config.listenMetricsUrls.map((u) => {
    const url = new URL(u);
    const server = createServer(async (req, res) => {
      if (req.url?.startsWith('/metrics')) {
        res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(await metrics.registry.metrics());
      } else if (req.url?.startsWith('/health')) {
        res.writeHead(member.hasLeader ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ health: String(member.hasLeader), reason: member.hasLeader ? '' : 'RAFT NO LEADER' }));
      } else res.writeHead(404).end();
    });
    server.listen(Number(url.port), url.hostname);
    return server;
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    for (const s of metricsServers) s.close();
    await Promise.all(gateways.map((g) => g.stop()));
    await member.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: Error) => {
  process.stderr.write(`kvstore: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
