import { createHash } from 'node:crypto';

/**
 * Pod IPs from the node's pod range, a /24 of 127/8: on Linux the whole of 127/8 is loopback, so a
 * container process can bind its POD_IP without any network set-up. Each pod keeps its IP until it
 * is released; a restarted kubelet keeps the IP a pod already shows when it is still free.
 */
export class PodIpAllocator {
  private readonly prefix: string;
  private readonly byPod = new Map<string, string>();
  private readonly taken = new Set<string>();

  constructor(readonly cidr: string) {
    const m = /^127\.(\d{1,3})\.(\d{1,3})\.0\/24$/.exec(cidr);
    if (!m || Number(m[1]) > 255 || Number(m[2]) > 255) throw new Error(`pod CIDR ${cidr}: the process runtime needs a /24 inside 127.0.0.0/8, like 127.77.3.0/24`);
    this.prefix = `127.${m[1]}.${m[2]}.`;
  }

  /** The pod's IP: the one it has, else `preferred` when free and in range, else the lowest free one. */
  allocate(podUid: string, preferred?: string): string {
    const held = this.byPod.get(podUid);
    if (held) return held;
    let ip = preferred && preferred.startsWith(this.prefix) && !this.taken.has(preferred) ? preferred : undefined;
    for (let host = 1; !ip && host < 255; host++) if (!this.taken.has(this.prefix + host)) ip = this.prefix + host;
    if (!ip) throw new Error(`pod CIDR ${this.cidr} is exhausted`);
    this.byPod.set(podUid, ip);
    this.taken.add(ip);
    return ip;
  }

  release(podUid: string): void {
    const ip = this.byPod.get(podUid);
    if (ip) this.taken.delete(ip);
    this.byPod.delete(podUid);
  }
}

/** A pod range derived from the node name (127.<64..127>.<0..255>.0/24), so kubelets on one machine rarely collide. */
export function defaultPodCidr(nodeName: string): string {
  const digest = createHash('sha256').update(nodeName).digest();
  return `127.${64 + (digest[0] % 64)}.${digest[1]}.0/24`;
}
