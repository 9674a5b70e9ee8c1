import { createServer } from 'node:net';

/**
 * Where every process of a flotilla cluster listens. A layout is chosen once, on the first
 * `flotilla up`, and saved with the data: the store's members know each other by their peer
 * URLs, so a resumed cluster must come back on the same ports.
 */
export interface MasterPlan {
  readonly name: string;
  readonly storeClientUrl: string;
  readonly storePeerUrl: string;
  readonly apiserverPort: number;
  readonly schedulerPort: number;
  readonly controllerManagerPort: number;
}

export interface WorkerPlan {
  readonly name: string;
  readonly kubeletPort: number;
  readonly proxyPort: number;
  /** The node's pod addresses: a /24 of 127/8, all loopback on Linux. */
  readonly podCidr: string;
}

export interface ClusterLayout {
  readonly masters: readonly MasterPlan[];
  readonly workers: readonly WorkerPlan[];
  /** The TCP balancer over the apiservers that kubectl, kubelets and kube-proxies use. */
  readonly frontDoorPort: number;
  /** Service ClusterIPs: loopback addresses, so kube-proxy can listen on them. */
  readonly serviceClusterIpRange: string;
}

export const ServiceClusterIpRange = '127.96.0.0/16';
/** worker-j's pods on 127.<block>.j.0/24 (the familiar layout: block 244). */
const podCidr = (block: number, worker: number) => `127.${block}.${worker}.0/24`;
const FamiliarPodBlock = 244;

/**
 * Loopback blocks of their own for a `--ports=auto` cluster's services and pods, so clusters side
 * by side (tests beside a user's `npm run up`) do not share ClusterIPs or pod IPs: a service /16
 * of 127.128–191 and a pod block of 127.192–239 (the kubelet's own default is 127.64–127, the
 * familiar ones 127.96 and 127.244). `pick(n)` is 0..n-1 (Math.random by default).
 */
export function addressBlocks(pick: (n: number) => number = (n) => Math.floor(Math.random() * n)): { serviceClusterIpRange: string; podBlock: number } {
  return { serviceClusterIpRange: `127.${128 + pick(64)}.0.0/16`, podBlock: 192 + pick(48) };
}

/**
 * The familiar ports: store clients 2379, 22379, 32379 and peers 2380, 22380, 32380 (as
 * `npm run up` has always used); apiservers 16443, 26443, ... behind the front door on 6443;
 * schedulers 10259, 20259, ...; controller-managers 10257, 20257, ...; kubelets 10250, 10350, ...
 * and kube-proxies 10249, 10349, ... one hundred apart.
 */
export function familiarLayout(masters: number, workers: number): ClusterLayout {
  if (masters > 5) throw new Error('at most 5 masters fit the familiar ports; use --ports=auto');
  return {
    masters: range(masters).map((i) => {
      const prefix = i === 0 ? '' : String(i + 1);
      return {
        name: `master-${i + 1}`,
        storeClientUrl: `http://127.0.0.1:${prefix}2379`,
        storePeerUrl: `http://127.0.0.1:${prefix}2380`,
        apiserverPort: 6443 + (i + 1) * 10000,
        schedulerPort: 10259 + i * 10000,
        controllerManagerPort: 10257 + i * 10000,
      };
    }),
    workers: range(workers).map((j) => ({ name: `worker-${j + 1}`, kubeletPort: 10250 + j * 100, proxyPort: 10249 + j * 100, podCidr: podCidr(FamiliarPodBlock, j + 1) })),
    frontDoorPort: 6443,
    serviceClusterIpRange: ServiceClusterIpRange,
  };
}

/** A layout on ports the OS says are free now (for tests and for machines where the familiar ones are taken). */
export async function freePortLayout(masters: number, workers: number): Promise<ClusterLayout> {
  const ports = await freePorts(masters * 5 + workers * 2 + 1);
  const take = () => ports.pop()!;
  const blocks = addressBlocks();
  return {
    masters: range(masters).map((i) => ({
      name: `master-${i + 1}`,
      storeClientUrl: `http://127.0.0.1:${take()}`,
      storePeerUrl: `http://127.0.0.1:${take()}`,
      apiserverPort: take(),
      schedulerPort: take(),
      controllerManagerPort: take(),
    })),
    workers: range(workers).map((j) => ({ name: `worker-${j + 1}`, kubeletPort: take(), proxyPort: take(), podCidr: podCidr(blocks.podBlock, j + 1) })),
    frontDoorPort: take(),
    serviceClusterIpRange: blocks.serviceClusterIpRange,
  };
}

/** Every port a layout uses, to tell which one was taken when a start fails. */
export function portsOf(layout: ClusterLayout): number[] {
  const port = (url: string) => Number(new URL(url).port);
  return [
    layout.frontDoorPort,
    ...layout.masters.flatMap((m) => [port(m.storeClientUrl), port(m.storePeerUrl), m.apiserverPort, m.schedulerPort, m.controllerManagerPort]),
    ...layout.workers.flatMap((w) => [w.kubeletPort, w.proxyPort]),
  ];
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Ports held open together until all are known, so no two are the same. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    range(count).map(
      () =>
        new Promise<import('node:net').Server>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as import('node:net').AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}
