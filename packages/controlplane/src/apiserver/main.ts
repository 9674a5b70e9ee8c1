#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createCertificateAuthority, createServingCertificate, writeKubeconfig } from './auth/index.js';
import { parseCommandLine, runMain } from './command-line.js';
import { type ApiserverFlags, parseFlags, usage } from './flags.js';
import { createLogger } from './log.js';
import { ApiServer } from './server.js';

interface Serving {
  readonly cert: string;
  readonly key: string;
  /** The CA a client verifies the serving certificate with. */
  readonly caPem: string;
}

/**
 * The serving certificate: the files given, or (as kube-apiserver does without them) a
 * self-signed one made at start-up for localhost and 127.0.0.1 (and the bind/advertise address).
 */
async function servingCertificate(flags: ApiserverFlags): Promise<Serving | undefined> {
  if (flags.insecure) return undefined;
  if (flags.tlsCertFile) {
    const cert = await readFile(flags.tlsCertFile, 'utf8');
    const key = await readFile(flags.tlsPrivateKeyFile!, 'utf8');
    return { cert, key, caPem: flags.clientCaFile ? `${cert}\n${await readFile(flags.clientCaFile, 'utf8')}` : cert };
  }
  const ca = await createCertificateAuthority('flotilla-apiserver-ca');
  const ips = [...new Set(['127.0.0.1', flags.advertiseAddress, flags.bindAddress].filter((a): a is string => !!a && a !== '0.0.0.0'))];
  const serving = await createServingCertificate(ca, { dnsNames: ['localhost', 'kubernetes', 'kubernetes.default'], ipAddresses: ips });
  return { cert: serving.certPem, key: serving.keyPem, caPem: ca.certPem };
}

/** The kube-apiserver binary: flags → ApiServer; SIGINT/SIGTERM stop it cleanly. */
async function main(argv: string[]): Promise<number> {
  const flags = parseCommandLine(argv, parseFlags, usage);
  if (typeof flags === 'number') return flags;
  const logger = createLogger(flags.logLevel);
  const serving = await servingCertificate(flags);
  const adminToken = flags.writeKubeconfig ? randomBytes(24).toString('hex') : undefined;
  const server = await ApiServer.start({
    etcdServers: flags.etcdServers,
    bindAddress: flags.bindAddress,
    port: flags.securePort,
    tls: serving,
    advertiseAddress: flags.advertiseAddress,
    serviceClusterIpRange: flags.serviceClusterIpRange,
    auth: {
      tokenAuthFile: flags.tokenAuthFile,
      clientCaFile: flags.clientCaFile,
      serviceAccountKeyFiles: flags.serviceAccountKeyFiles,
      serviceAccountSigningKeyFile: flags.serviceAccountSigningKeyFile,
      serviceAccountIssuers: flags.serviceAccountIssuers,
      anonymousAuth: flags.anonymousAuth,
      authorizationModes: flags.authorizationMode,
    },
    adminToken,
    watchCacheCapacity: flags.watchCacheSize,
    runBuiltinControllers: flags.runBuiltinControllers,
    defaultNotReadyTolerationSeconds: flags.defaultNotReadyTolerationSeconds,
    defaultUnreachableTolerationSeconds: flags.defaultUnreachableTolerationSeconds,
    logger,
  });
  if (flags.writeKubeconfig && adminToken) {
    // The token lives as long as this process: the kubeconfig is good until the server restarts.
    await writeKubeconfig(flags.writeKubeconfig, { server: server.url, certificateAuthorityPem: serving?.caPem ?? '', credentials: { token: adminToken }, userName: 'admin' });
    logger.info('wrote admin kubeconfig', { path: flags.writeKubeconfig });
  }
  // One line on stdout with the URL, for scripts and tests that start the binary.
  process.stdout.write(`kube-apiserver serving on ${server.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  logger.info('shutting down');
  await server.stop();
  return 0;
}

runMain('kube-apiserver', main);
