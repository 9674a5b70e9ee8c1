import { FlagError, type FlagTable, applyFlags, flagUsage, logLevelFlag, portFlag } from './command-line.js';
import { parseCidr } from './allocation/cluster-ip-allocator.js';
import type { LogLevel } from './log.js';

export { FlagError };

/** kube-apiserver's command line, the flags we implement (names and defaults as Kubernetes'). */
export interface ApiserverFlags {
  etcdServers: string[];
  bindAddress: string;
  securePort: number;
  /** Plain HTTP instead of TLS (tests and local runs); set by --insecure-port or when no cert is given. */
  insecure: boolean;
  advertiseAddress?: string;
  tokenAuthFile?: string;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  clientCaFile?: string;
  authorizationMode: string[];
  anonymousAuth: boolean;
  serviceClusterIpRange: string;
  serviceAccountKeyFiles: string[];
  serviceAccountSigningKeyFile?: string;
  serviceAccountIssuers: string[];
  writeKubeconfig?: string;
  watchCacheSize: number;
  runBuiltinControllers: boolean;
  defaultNotReadyTolerationSeconds: number;
  defaultUnreachableTolerationSeconds: number;
  logLevel: LogLevel;
}

const bool = (name: string, v: string) => {
  if (v !== 'true' && v !== 'false') throw new FlagError(`invalid argument "${v}" for "--${name}" flag: strconv.ParseBool: parsing "${v}": invalid syntax`);
  return v === 'true';
};

const seconds = (name: string, v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new FlagError(`invalid argument "${v}" for "--${name}" flag: must be a whole number of seconds`);
  return n;
};

/** An IPv4 CIDR the cluster IP allocator can use (at most /30: a network, a broadcast and two addresses). */
const cidrFlag = (name: string, v: string) => {
  try {
    parseCidr(v);
  } catch (err) {
    throw new FlagError(`invalid argument "${v}" for "--${name}" flag: ${(err as Error).message}`);
  }
  return v;
};

const FLAGS: FlagTable<ApiserverFlags> = {
  'etcd-servers': { set: (f, v) => (f.etcdServers = v.split(',').filter(Boolean)), help: 'List of kvstore (etcd) client URLs, comma separated.' },
  'bind-address': { set: (f, v) => (f.bindAddress = v), help: 'The IP address on which to listen (default 0.0.0.0).' },
  'secure-port': { set: (f, v) => (f.securePort = portFlag('secure-port', v)), help: 'The port on which to serve (default 6443; 0 picks a free one).' },
  'insecure-serving': { set: (f, v) => (f.insecure = bool('insecure-serving', v)), help: 'Serve plain HTTP on the secure port (for tests and local runs).', boolean: true },
  'advertise-address': { set: (f, v) => (f.advertiseAddress = v), help: 'The IP address published in the kubernetes service endpoints.' },
  'token-auth-file': { set: (f, v) => (f.tokenAuthFile = v), help: 'A CSV of bearer tokens: token,user,uid,"group1,group2".' },
  'tls-cert-file': { set: (f, v) => (f.tlsCertFile = v), help: 'The serving certificate (PEM); without it a self-signed one is made at start-up.' },
  'tls-private-key-file': { set: (f, v) => (f.tlsPrivateKeyFile = v), help: 'The serving key (PEM).' },
  'client-ca-file': { set: (f, v) => (f.clientCaFile = v), help: 'CA bundle that signs client certificates.' },
  'authorization-mode': { set: (f, v) => (f.authorizationMode = v.split(',').filter(Boolean)), help: 'Comma-separated: AlwaysAllow, AlwaysDeny, RBAC (default AlwaysAllow).' },
  'anonymous-auth': { set: (f, v) => (f.anonymousAuth = bool('anonymous-auth', v)), help: 'Let requests without credentials in as system:anonymous.', boolean: true },
  'service-cluster-ip-range': { set: (f, v) => (f.serviceClusterIpRange = cidrFlag('service-cluster-ip-range', v)), help: 'The CIDR service cluster IPs come from (default 10.96.0.0/12).' },
  'service-account-key-file': { set: (f, v) => f.serviceAccountKeyFiles.push(v), help: 'A public key (PEM) that verifies service account tokens (repeatable).' },
  'service-account-signing-key-file': { set: (f, v) => (f.serviceAccountSigningKeyFile = v), help: 'The private key that signs service account tokens.' },
  'service-account-issuer': { set: (f, v) => f.serviceAccountIssuers.push(v), help: 'The issuer of service account tokens (repeatable; the first signs).' },
  'write-kubeconfig': { set: (f, v) => (f.writeKubeconfig = v), help: 'Once serving, write a kubeconfig with an admin token (valid while this process runs) to this path.' },
  'watch-cache-size': { set: (f, v) => (f.watchCacheSize = Math.max(1, Number(v) || 0)), help: 'Events kept per resource for watches (default 10000).' },
  'run-builtin-controllers': {
    set: (f, v) => (f.runBuiltinControllers = bool('run-builtin-controllers', v)),
    help: 'Run the namespace finalizer and garbage collector in the apiserver (default true); false when kube-controller-manager runs them.',
    boolean: true,
  },
  'default-not-ready-toleration-seconds': {
    set: (f, v) => (f.defaultNotReadyTolerationSeconds = seconds('default-not-ready-toleration-seconds', v)),
    help: 'tolerationSeconds of the not-ready:NoExecute toleration added to pods without one (default 300).',
  },
  'default-unreachable-toleration-seconds': {
    set: (f, v) => (f.defaultUnreachableTolerationSeconds = seconds('default-unreachable-toleration-seconds', v)),
    help: 'tolerationSeconds of the unreachable:NoExecute toleration added to pods without one (default 300).',
  },
  v: { set: (f, v) => (f.logLevel = Number(v) >= 4 ? 'debug' : 'info'), help: 'Log verbosity (4 or more: debug).' },
  'log-level': { set: (f, v) => (f.logLevel = logLevelFlag(v)), help: 'debug, info, warn or error (default info).' },
};

export function usage(): string {
  return flagUsage('kube-apiserver [flags]', FLAGS);
}

export function parseFlags(argv: readonly string[]): ApiserverFlags {
  const flags: ApiserverFlags = {
    etcdServers: [],
    bindAddress: '0.0.0.0',
    securePort: 6443,
    insecure: false,
    authorizationMode: ['AlwaysAllow'],
    anonymousAuth: true,
    serviceClusterIpRange: '10.96.0.0/12',
    serviceAccountKeyFiles: [],
    serviceAccountIssuers: [],
    watchCacheSize: 10_000,
    runBuiltinControllers: true,
    defaultNotReadyTolerationSeconds: 300,
    defaultUnreachableTolerationSeconds: 300,
    logLevel: 'info',
  };
  applyFlags(argv, FLAGS, flags);
  if (flags.etcdServers.length === 0) throw new FlagError('--etcd-servers must be specified');
  if (!flags.tlsCertFile !== !flags.tlsPrivateKeyFile) throw new FlagError('--tls-cert-file and --tls-private-key-file go together');
  for (const mode of flags.authorizationMode) {
    if (mode !== 'AlwaysAllow' && mode !== 'AlwaysDeny' && mode !== 'RBAC') throw new FlagError(`authorization-mode "${mode}" is not supported (AlwaysAllow, AlwaysDeny, RBAC)`);
  }
  return flags;
}
