import { FlagError, type FlagTable, applyFlags, flagUsage, logLevelFlag, portFlag } from '../apiserver/command-line.js';
import type { LogLevel } from '../apiserver/log.js';
import type { ProxyMode } from './kube-proxy.js';

/** kube-proxy's command line (the flags we implement; names and defaults as Kubernetes' where they exist). */
export interface ProxyFlags {
  kubeconfig?: string;
  hostnameOverride: string;
  bindAddress: string;
  port: number;
  proxyMode: ProxyMode;
  printIptables: boolean;
  listenerRetryPeriodMs: number;
  logLevel: LogLevel;
}

export { FlagError };

const FLAGS: FlagTable<ProxyFlags> = {
  kubeconfig: { set: (f, v) => (f.kubeconfig = v), help: 'Path to a kubeconfig with the apiserver URL and credentials (required).' },
  'hostname-override': { set: (f, v) => (f.hostnameOverride = v), help: 'The node name this proxy runs for (default: the host name).' },
  'bind-address': { set: (f, v) => (f.bindAddress = v), help: 'Address of the HTTP endpoints /metrics, /healthz, /iptables (default 127.0.0.1).' },
  port: {
    set: (f, v) => (f.port = portFlag('port', v)),
    help: 'Port of the HTTP endpoints (default 10249; 0: the OS chooses).',
  },
  'proxy-mode': {
    set: (f, v) => {
      if (v !== 'userspace' && v !== 'iptables') throw new FlagError(`invalid argument "${v}" for "--proxy-mode" flag: must be userspace or iptables`);
      f.proxyMode = v;
    },
    help: 'userspace (default): listen on each ClusterIP:port and forward; iptables: compute the rules and serve them at /iptables without applying them.',
  },
  'print-iptables': { set: (f, v) => (f.printIptables = v !== 'false'), help: 'Print the iptables-save rules for the current services and exit.', boolean: true },
  'listener-retry-period': {
    set: (f, v) => {
      const m = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(v);
      if (!m) throw new FlagError(`invalid argument "${v}" for "--listener-retry-period" flag: a duration such as 5s or 500ms`);
      f.listenerRetryPeriodMs = Number(m[1]) * (m[2] === 's' ? 1000 : 1);
    },
    help: 'How often to try again to bind a service port another process holds (default 5s).',
  },
  'log-level': { set: (f, v) => (f.logLevel = logLevelFlag(v)), help: 'debug, info, warn or error (default info).' },
};

export function usage(): string {
  return flagUsage('kube-proxy --kubeconfig PATH [flags]', FLAGS, 24);
}

export function parseFlags(argv: readonly string[], hostname: string): ProxyFlags {
  const flags: ProxyFlags = {
    hostnameOverride: hostname,
    bindAddress: '127.0.0.1',
    port: 10249,
    proxyMode: 'userspace',
    printIptables: false,
    listenerRetryPeriodMs: 5_000,
    logLevel: 'info',
  };
  applyFlags(argv, FLAGS, flags);
  if (!flags.kubeconfig) throw new FlagError('--kubeconfig must be specified');
  return flags;
}
