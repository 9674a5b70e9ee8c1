import { rfc3339 } from '../pod/pod-status.js';

type Json = Record<string, any>;

/** What the kubelet says about its node; from flags and the machine. */
export interface NodeIdentity {
  readonly name: string;
  readonly nodeIP: string;
  readonly port: number;
  readonly podCIDR: string;
  readonly cpu: string;
  readonly memory: string;
  readonly maxPods: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Json[];
  readonly os: string;
  readonly arch: string;
  readonly kubeletVersion: string;
  /** e.g. process://0.1.0 */
  readonly containerRuntimeVersion: string;
  readonly kernelVersion: string;
  readonly osImage: string;
  readonly bootID: string;
  readonly machineID: string;
}

/** Node's GOARCH from Node.js's process.arch. */
export function goArch(arch: string): string {
  return ({ x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[arch] ?? arch;
}

/** The Node object the kubelet registers: name, labels, taints, pod CIDR (status goes through nodes/status). */
export function nodeObject(id: NodeIdentity): Json {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: id.name,
      labels: { 'kubernetes.io/hostname': id.name, 'kubernetes.io/os': id.os, 'kubernetes.io/arch': id.arch, 'beta.kubernetes.io/os': id.os, 'beta.kubernetes.io/arch': id.arch, ...id.labels },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: { podCIDR: id.podCIDR, podCIDRs: [id.podCIDR], ...(id.taints.length ? { taints: id.taints } : {}) },
  };
}

/** The pressure conditions never trip on this kubelet (it does no eviction), so they always read "sufficient". */
const PRESSURE: readonly [string, string, string][] = [
  ['MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
  ['DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  ['PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
];

/**
 * The node's status: capacity = allocatable, conditions (Ready and the three pressures, with
 * lastHeartbeatTime = now and lastTransitionTime kept from `previous` while the status holds),
 * addresses, the kubelet endpoint the apiserver proxies logs to, and nodeInfo.
 */
export function nodeStatus(id: NodeIdentity, previous: Json | undefined, now: number): Json {
  const resources = { cpu: id.cpu, memory: id.memory, pods: String(id.maxPods), 'ephemeral-storage': '0' };
  const condition = (type: string, status: string, reason: string, message: string) => {
    const prior = (previous?.conditions as Json[] | undefined)?.find((c) => c.type === type);
    const lastTransitionTime = prior?.status === status && prior.lastTransitionTime ? prior.lastTransitionTime : rfc3339(now);
    return { type, status, reason, message, lastHeartbeatTime: rfc3339(now), lastTransitionTime };
  };
  return {
    capacity: resources,
    allocatable: resources,
    conditions: [...PRESSURE.map(([type, reason, message]) => condition(type, 'False', reason, message)), condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status')],
    addresses: [
      { type: 'InternalIP', address: id.nodeIP },
      { type: 'Hostname', address: id.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: id.port } },
    nodeInfo: {
      machineID: id.machineID,
      systemUUID: id.machineID,
      bootID: id.bootID,
      kernelVersion: id.kernelVersion,
      osImage: id.osImage,
      containerRuntimeVersion: id.containerRuntimeVersion,
      kubeletVersion: id.kubeletVersion,
      kubeProxyVersion: id.kubeletVersion,
      operatingSystem: id.os,
      architecture: id.arch,
    },
  };
}

/** Conditions equal apart from their heartbeat times: a status write can wait for the next period. */
export function sameNodeStatus(a: Json | undefined, b: Json): boolean {
  if (!a) return false;
  const strip = (s: Json) => JSON.stringify({ ...s, conditions: (s.conditions ?? []).map((c: Json) => ({ ...c, lastHeartbeatTime: undefined })) });
  return strip(a) === strip(b);
}
