export { Lessor, leaseKey, type LeaseBatch, type LeaseTimeToLive } from './lessor.js';
export { MAX_LEASE_TTL, type Lease } from './lease.js';
