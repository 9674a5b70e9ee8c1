export { Lessor, leaseKey, type LeaseBatch, type LeaseTimeToLive } from './lessor.js';
export { LeaseError, type LeaseErrorCode } from './lease-error.js';
export { MAX_LEASE_TTL, type Lease } from './lease.js';
