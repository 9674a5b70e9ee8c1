/** Lease failures, with etcd's messages (clients match on them). */
export type LeaseErrorCode = 'LeaseNotFound' | 'LeaseExist' | 'LeaseTTLTooLarge';

const MESSAGES: Record<LeaseErrorCode, string> = {
  LeaseNotFound: 'etcdserver: requested lease not found',
  LeaseExist: 'etcdserver: lease already exists',
  LeaseTTLTooLarge: 'etcdserver: too large lease TTL',
};

export class LeaseError extends Error {
  constructor(readonly code: LeaseErrorCode) {
    super(MESSAGES[code]);
    this.name = 'LeaseError';
  }
}
