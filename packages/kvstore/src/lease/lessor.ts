import sortedBtree from 'sorted-btree';
import { Packr } from 'msgpackr';
import { EtcdError } from '../errors/index.js';
import { MAX_LEASE_TTL, type Lease } from './lease.js';

/** Where lease records go: the same batch as the rest of an applied Raft entry. */
export interface LeaseBatch {
  put(key: Uint8Array, value: Uint8Array): void;
  del(key: Uint8Array): void;
}

export interface LeaseTimeToLive {
  readonly id: bigint;
  /** Seconds left, -1 for an unknown or expired lease (etcd's answer). */
  readonly ttl: number;
  readonly grantedTtl: number;
  readonly keys: string[];
}

const packr = new Packr({ useRecords: false });
const KEY_PREFIX = 'lease/';

export function leaseKey(id: bigint): Uint8Array {
  const key = new Uint8Array(KEY_PREFIX.length + 8);
  key.set(Buffer.from(KEY_PREFIX, 'latin1'));
  new DataView(key.buffer).setBigUint64(KEY_PREFIX.length, BigInt.asUintN(64, id));
  return key;
}

/** The stored form of a lease; int64 IDs as decimal strings, which every msgpack reader round-trips. */
function encodeRecord(lease: Lease): Uint8Array {
  return packr.pack({ id: lease.id.toString(), ttl: lease.ttl });
}

type ExpiryKey = readonly [expiresAt: number, id: bigint];
// sorted-btree is CommonJS: under Node's ESM interop its class is the `default` export's `default`.
const BTree = sortedBtree.default;

const byExpiry = (a: ExpiryKey, b: ExpiryKey) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

/**
 * The lessor: which leases exist, which keys each holds, and (on the leader) when each
 * expires. Grant, revoke, attach and detach happen in the deterministic apply step of
 * the store; renewals and expiry checks run on the leader only, against its clock,
 * which callers pass in (`now`, ms) so that tests control time.
 *
 * Expiry is decided by the leader but carried out through Raft: the server proposes a
 * revoke for each expired lease, so every member deletes the same keys at the same
 * revision.
 */
export class Lessor {
  private readonly leases = new Map<bigint, Lease>();
  /** Leader only: leases ordered by expiry. */
  private readonly expiry = new BTree<ExpiryKey, true>(undefined, byExpiry);
  private primary = false;

  /** @param minTtl the smallest TTL granted, in seconds (etcd: 1.5 election timeouts, rounded up). */
  constructor(readonly minTtl: number) {}

  get size(): number {
    return this.leases.size;
  }

  get isPrimary(): boolean {
    return this.primary;
  }

  /** Creates a lease. Deterministic: the ID was chosen before proposing. */
  grant(batch: LeaseBatch, id: bigint, requestedTtl: number, now: number): Lease {
    if (id === 0n) throw new Error('a lease ID must be chosen before the grant is applied');
    if (requestedTtl > MAX_LEASE_TTL) throw new EtcdError('LeaseTTLTooLarge');
    if (this.leases.has(id)) throw new EtcdError('LeaseExist');
    const ttl = Math.max(requestedTtl, this.minTtl);
    const lease: Lease = { id, ttl, keys: new Set(), expiresAt: Infinity };
    this.leases.set(id, lease);
    if (this.primary) this.schedule(lease, now + ttl * 1000);
    batch.put(leaseKey(id), encodeRecord(lease));
    return lease;
  }

  /** Removes a lease and returns the keys attached to it, which the caller deletes in the same revision. */
  revoke(batch: LeaseBatch, id: bigint): string[] {
    const lease = this.leases.get(id);
    if (!lease) throw new EtcdError('LeaseNotFound');
    this.unschedule(lease);
    this.leases.delete(id);
    batch.del(leaseKey(id));
    return [...lease.keys].sort();
  }

  has(id: bigint): boolean {
    return this.leases.has(id);
  }

  get(id: bigint): Lease | undefined {
    return this.leases.get(id);
  }

  /** Records that `key` now carries lease `id` (0n detaches only). */
  attach(id: bigint, key: string): void {
    if (id === 0n) return;
    const lease = this.leases.get(id);
    if (!lease) throw new EtcdError('LeaseNotFound');
    lease.keys.add(key);
  }

  detach(id: bigint, key: string): void {
    if (id === 0n) return;
    this.leases.get(id)?.keys.delete(key);
  }

  /** Leader only: a keep-alive. Returns the refreshed TTL, or 0 for an unknown lease (etcd's answer). */
  renew(id: bigint, now: number): number {
    const lease = this.leases.get(id);
    if (!lease || !this.primary) return 0;
    if (lease.expiresAt <= now) return 0;
    this.schedule(lease, now + lease.ttl * 1000);
    return lease.ttl;
  }

  timeToLive(id: bigint, now: number): LeaseTimeToLive {
    const lease = this.leases.get(id);
    if (!lease) return { id, ttl: -1, grantedTtl: 0, keys: [] };
    // etcd: int64(Remaining().Seconds()), truncated toward zero, so 99 just after granting 100.
    // A follower does not track expiry; it reports the granted TTL, as etcd's followers do.
    const remaining = this.primary ? Math.trunc((lease.expiresAt - now) / 1000) : lease.ttl;
    return { id, ttl: remaining, grantedTtl: lease.ttl, keys: [...lease.keys].sort() };
  }

  list(): bigint[] {
    return [...this.leases.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * This member became leader: every lease gets its full TTL from now, plus `extraMs`,
   * so that a leader change never expires a lease early (the old leader may have renewed
   * it just before it died).
   */
  promote(now: number, extraMs: number): void {
    this.primary = true;
    for (const lease of this.leases.values()) this.schedule(lease, now + lease.ttl * 1000 + extraMs);
  }

  /** This member is no longer leader: it stops tracking expiry. */
  demote(): void {
    this.primary = false;
    this.expiry.clear();
    for (const lease of this.leases.values()) lease.expiresAt = Infinity;
  }

  /** Leader only: leases whose time is up, oldest first, at most `limit`. */
  expired(now: number, limit = 1000): bigint[] {
    const out: bigint[] = [];
    for (const [[at, id]] of this.expiry.entries()) {
      if (at > now || out.length >= limit) break;
      out.push(id);
    }
    return out;
  }

  /** Loads the leases from stored records; keys are re-attached by the caller from the key-value store. */
  load(records: Iterable<Uint8Array>): void {
    this.leases.clear();
    this.expiry.clear();
    for (const raw of records) {
      const { id, ttl } = packr.unpack(raw) as { id: string; ttl: number };
      const leaseId = BigInt(id);
      this.leases.set(leaseId, { id: leaseId, ttl, keys: new Set(), expiresAt: Infinity });
    }
  }

  /** The lease records, for a Raft snapshot. */
  records(): Uint8Array[] {
    return [...this.leases.values()].map(encodeRecord);
  }

  private schedule(lease: Lease, at: number): void {
    this.unschedule(lease);
    lease.expiresAt = at;
    this.expiry.set([at, lease.id], true);
  }

  private unschedule(lease: Lease): void {
    if (lease.expiresAt !== Infinity) this.expiry.delete([lease.expiresAt, lease.id]);
    lease.expiresAt = Infinity;
  }
}
