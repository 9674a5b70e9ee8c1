/** etcd's upper bound on a lease's TTL, in seconds. */
export const MAX_LEASE_TTL = 9_000_000_000;

/** One lease: its granted TTL and the keys attached to it. */
export interface Lease {
  readonly id: bigint;
  /** The TTL granted, in seconds (at least the server's minimum). */
  readonly ttl: number;
  /** Attached keys, as latin1 strings of the key bytes. */
  readonly keys: Set<string>;
  /**
   * When the lease expires, in milliseconds of the leader's clock. Only the leader keeps
   * it meaningful; on a follower it is Infinity, since followers never expire leases.
   */
  expiresAt: number;
}
