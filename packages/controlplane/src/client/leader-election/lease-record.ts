/** The fields of a coordination.k8s.io/v1 Lease that leader election reads and writes. */
export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** metav1.MicroTime as the API writes it: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * What a candidate should write to the lease now, or undefined when another holder's lease is still
 * valid. Validity is judged by `observedAtMs` — when this candidate last saw the record change on its
 * own clock — not by the record's renewTime, so clocks that disagree between masters do not matter
 * (as client-go's leader election). An empty holderIdentity is a released lease: free at once.
 */
export function nextLeaseSpec(current: LeaseSpec | undefined, observedAtMs: number, nowMs: number, identity: string, leaseDurationSeconds: number): LeaseSpec | undefined {
  const now = microTime(nowMs);
  if (!current) return { holderIdentity: identity, leaseDurationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 };
  const holder = current.holderIdentity ?? '';
  const heldByOther = holder !== '' && holder !== identity;
  const duration = (current.leaseDurationSeconds ?? leaseDurationSeconds) * 1000;
  if (heldByOther && observedAtMs + duration > nowMs) return undefined;
  if (holder === identity) return { ...current, holderIdentity: identity, leaseDurationSeconds, renewTime: now };
  return {
    holderIdentity: identity,
    leaseDurationSeconds,
    acquireTime: now,
    renewTime: now,
    leaseTransitions: (current.leaseTransitions ?? 0) + 1,
  };
}
