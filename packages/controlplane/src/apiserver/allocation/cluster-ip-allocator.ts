import type { KvClient } from '@flotilla/kvstore/client';
import { type FieldError, invalidValue, root } from '../../api/validation/field-errors.js';

/** An IPv4 range in CIDR notation, as numbers. */
export interface Ipv4Range {
  readonly base: number;
  readonly size: number;
  readonly text: string;
}

const toNumber = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const toText = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

export function parseCidr(text: string): Ipv4Range {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m || m.slice(1, 5).some((p) => Number(p) > 255)) throw new Error(`invalid IPv4 CIDR "${text}"`);
  if (Number(m[5]) > 30) throw new Error(`invalid IPv4 CIDR "${text}": the prefix must be /30 or shorter (a /31 or /32 leaves no address for services)`);
  const bits = Number(m[5]);
  const size = 2 ** (32 - bits);
  const base = Math.floor(toNumber(m.slice(1, 5).join('.')) / size) * size;
  return { base, size, text };
}

/** The range's first usable address (after the network address): the `kubernetes` service's. */
export function firstUsableAddress(range: Ipv4Range): string {
  return toText(range.base + 1);
}

/** Who holds an IP: one store key per allocated address, so two apiservers can never hand out the same one. */
const keyOf = (ip: string) => `/registry/ipallocations/${ip}`;
const b64 = (s: string) => Buffer.from(s).toString('base64');

/**
 * Allocates service cluster IPs from --service-cluster-ip-range. Each allocation is a key
 * created in a txn that succeeds only if the key is absent (the store is the arbiter).
 * The network and broadcast addresses are never used; the first usable one is kept for
 * the `kubernetes` service.
 */
export class ClusterIpAllocator {
  // Where the next search starts: random, so restarted apiservers do not all probe the same taken addresses.
  private next: number;

  constructor(
    readonly range: Ipv4Range,
    private readonly client: KvClient,
  ) {
    this.next = 2 + Math.floor(Math.random() * Math.max(1, range.size - 4));
  }

  /** The address of the `kubernetes` service: the range's first usable one. */
  get firstAddress(): string {
    return firstUsableAddress(this.range);
  }

  contains(ip: string): boolean {
    const n = toNumber(ip);
    return /^\d+\.\d+\.\d+\.\d+$/.test(ip) && n > this.range.base && n < this.range.base + this.range.size - 1;
  }

  private async claim(ip: string, owner: string): Promise<boolean> {
    const r = await this.client.txn({
      compare: [{ key: b64(keyOf(ip)), result: 'EQUAL', target: 'CREATE', create_revision: '0' }],
      success: [{ request_put: { key: b64(keyOf(ip)), value: b64(owner) } }],
      failure: [],
    });
    return r.succeeded === true;
  }

  /** Takes `requested` (a 422 if it is outside the range or taken) or the next free address. */
  async allocate(owner: string, requested?: string): Promise<string | FieldError> {
    const field = root('spec').child('clusterIPs').index(0);
    if (requested) {
      if (!this.contains(requested)) return invalidValue(field, requested, `failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${this.range.text}`);
      if (!(await this.claim(requested, owner))) return invalidValue(field, requested, `failed to allocate IP ${requested}: provided IP is already allocated`);
      return requested;
    }
    const usable = this.range.size - 2;
    for (let tried = 0; tried < usable; tried++) {
      const offset = ((this.next - 1 + tried) % usable) + 1;
      if (offset === 1) continue;
      const ip = toText(this.range.base + offset);
      if (await this.claim(ip, owner)) {
        this.next = offset + 1;
        return ip;
      }
    }
    return invalidValue(field, '', `failed to allocate IP: range is full`);
  }

  async release(ip: string): Promise<void> {
    if (!ip || ip === 'None') return;
    await this.client.delete(keyOf(ip));
  }
}
