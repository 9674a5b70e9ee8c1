import { type ComponentFlags, FlagError, type FlagTable, componentFlagTable, duration, parseFlagTable, usageOf } from '../client/component/flags.js';
import type { ProxyMode } from './kube-proxy.js';

/** kube-proxy's command line: the component flags every binary shares, and kube-proxy's own. */
export interface ProxyFlags extends ComponentFlags {
  hostnameOverride: string;
  proxyMode: ProxyMode;
  printIptables: boolean;
  listenerRetryPeriodMs: number;
}

const TABLE: FlagTable<ProxyFlags> = {
  ...componentFlagTable<ProxyFlags>(),
  'hostname-override': { set: (f, v) => (f.hostnameOverride = v), help: 'The node name this proxy runs for (default: the host name).' },
  'proxy-mode': {
    set: (f, v) => {
      if (v !== 'userspace' && v !== 'iptables') throw new FlagError(`invalid argument "${v}" for "--proxy-mode" flag: must be userspace or iptables`);
      f.proxyMode = v;
    },
    help: 'userspace (default): listen on each ClusterIP:port and forward; iptables: compute the rules and serve them at /iptables without applying them.',
  },
  'print-iptables': { set: (f, v) => (f.printIptables = v !== 'false'), help: 'Print the iptables-save rules for the current services and exit.', boolean: true },
  'listener-retry-period': {
    set: (f, v) => (f.listenerRetryPeriodMs = duration('listener-retry-period', v)),
    help: 'How often to try again to bind a service port another process holds (default 5s).',
  },
};

export function usage(): string {
  return usageOf('kube-proxy', 'kube-proxy forwards connections to each Service ClusterIP:port to the ready endpoints of the Service (userspace mode), or prints the iptables rules that would.', TABLE);
}

export function parseFlags(argv: readonly string[], hostname: string): ProxyFlags {
  const flags = parseFlagTable<ProxyFlags>(argv, TABLE, {
    bindAddress: '127.0.0.1',
    port: 10249,
    logLevel: 'info',
    help: false,
    hostnameOverride: hostname,
    proxyMode: 'userspace',
    printIptables: false,
    listenerRetryPeriodMs: 5_000,
  });
  if (flags.help) return flags;
  if (!flags.kubeconfig) throw new FlagError('--kubeconfig must be specified');
  return flags;
}
