import { hostname } from 'node:os';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { componentFlagTable, duration, FlagError, integer, parseFlagTable, usageOf, type ComponentFlags, type FlagTable } from '../client/component/flags.js';

/** The kubelet's command line (names and defaults as the kubelet's, plus --runtime and the resource flags). */
export interface KubeletFlags extends ComponentFlags {
  hostnameOverride?: string;
  nodeIP: string;
  podCIDR?: string;
  cpu?: string;
  memory?: string;
  maxPods: number;
  nodeLabels: Record<string, string>;
  registerWithTaints: { key: string; value?: string; effect: string }[];
  runtime: 'process' | 'hollow';
  rootDir?: string;
  nodeLeaseRenewIntervalMs: number;
  nodeLeaseDurationSeconds: number;
  nodeStatusUpdateFrequencyMs: number;
  crashLoopBackoffBaseMs: number;
  crashLoopBackoffMaxMs: number;
}

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** key=value,key2=value2 */
export function parseLabels(v: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of v.split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new FlagError(`invalid argument "${v}" for "--node-labels" flag: "${pair}" is not key=value`);
    labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return labels;
}

/** key[=value]:Effect,… as kubectl taint writes them. */
export function parseTaints(v: string): KubeletFlags['registerWithTaints'] {
  return v
    .split(',')
    .filter(Boolean)
    .map((t) => {
      const m = /^([^=:]+)(?:=([^:]*))?:(.+)$/.exec(t);
      if (!m || !EFFECTS.includes(m[3])) throw new FlagError(`invalid argument "${v}" for "--register-with-taints" flag: "${t}" is not key[=value]:${EFFECTS.join('|')}`);
      return { key: m[1], ...(m[2] ? { value: m[2] } : {}), effect: m[3] };
    });
}

const FLAGS: FlagTable<KubeletFlags> = {
  ...componentFlagTable<KubeletFlags>(),
  'hostname-override': { help: 'The node name (default: the machine\'s hostname).', set: (f, v) => (f.hostnameOverride = v) },
  'node-ip': { help: 'The node\'s InternalIP, where the apiserver reaches this kubelet (default 127.0.0.1).', set: (f, v) => (f.nodeIP = v) },
  'pod-cidr': { help: 'The pod range, a /24 inside 127.0.0.0/8 (default: one derived from the node name).', set: (f, v) => (f.podCIDR = v) },
  cpu: { help: 'CPU capacity to report, a quantity (default: the machine\'s CPUs).', set: (f, v) => (f.cpu = v) },
  memory: { help: 'Memory capacity to report, a quantity (default: the machine\'s memory).', set: (f, v) => (f.memory = v) },
  'max-pods': { help: 'Pods this node takes (default 110).', set: (f, v) => (f.maxPods = integer('max-pods', v)) },
  'node-labels': { help: 'Labels to register the node with: key=value,….', set: (f, v) => Object.assign(f.nodeLabels, parseLabels(v)) },
  'register-with-taints': { help: 'Taints to register the node with: key=value:Effect,….', set: (f, v) => f.registerWithTaints.push(...parseTaints(v)) },
  runtime: {
    help: 'process (containers are child processes) or hollow (simulated, for scale tests); default process.',
    set: (f, v) => {
      if (v !== 'process' && v !== 'hollow') throw new FlagError(`invalid argument "${v}" for "--runtime" flag: must be process or hollow`);
      f.runtime = v;
    },
  },
  'root-dir': { help: 'Where pod logs and pid files go (default: <tmp>/flotilla-kubelet-<node>).', set: (f, v) => (f.rootDir = v) },
  'node-lease-renew-interval': { help: 'How often the node Lease is renewed (default 10s).', set: (f, v) => (f.nodeLeaseRenewIntervalMs = duration('node-lease-renew-interval', v)) },
  'node-lease-duration-seconds': { help: 'The Lease\'s leaseDurationSeconds (default 40).', set: (f, v) => (f.nodeLeaseDurationSeconds = integer('node-lease-duration-seconds', v)) },
  'node-status-update-frequency': { help: 'How often node status is posted when nothing changed (default 10s).', set: (f, v) => (f.nodeStatusUpdateFrequencyMs = duration('node-status-update-frequency', v)) },
  'crash-loop-backoff-base': { help: 'The first CrashLoopBackOff delay, doubled each restart (default 10s).', set: (f, v) => (f.crashLoopBackoffBaseMs = duration('crash-loop-backoff-base', v)) },
  'crash-loop-backoff-max': { help: 'The longest CrashLoopBackOff delay (default 5m).', set: (f, v) => (f.crashLoopBackoffMaxMs = duration('crash-loop-backoff-max', v)) },
};

export function usage(): string {
  return usageOf('kubelet', 'kubelet: registers a node, runs the pods bound to it (as processes or hollow), and serves their logs.', FLAGS);
}

export function parseFlags(argv: readonly string[]): KubeletFlags {
  const flags: KubeletFlags = {
    bindAddress: '127.0.0.1',
    port: 10250,
    logLevel: 'info',
    help: false,
    nodeIP: '127.0.0.1',
    maxPods: 110,
    nodeLabels: {},
    registerWithTaints: [],
    runtime: 'process',
    nodeLeaseRenewIntervalMs: 10_000,
    nodeLeaseDurationSeconds: 40,
    nodeStatusUpdateFrequencyMs: 10_000,
    crashLoopBackoffBaseMs: 10_000,
    crashLoopBackoffMaxMs: 300_000,
  };
  parseFlagTable(argv, FLAGS, flags);
  if (!flags.help && !flags.kubeconfig) throw new FlagError('--kubeconfig must be specified');
  if (flags.maxPods < 1) throw new FlagError('--max-pods must be at least 1');
  return flags;
}

/** The node name: --hostname-override, else the hostname, lower-cased as the kubelet does. */
export function nodeNameOf(flags: KubeletFlags): string {
  return (flags.hostnameOverride ?? hostname()).toLowerCase();
}

export function rootDirOf(flags: KubeletFlags, nodeName: string): string {
  return flags.rootDir ?? join(tmpdir(), `flotilla-kubelet-${nodeName}`);
}
