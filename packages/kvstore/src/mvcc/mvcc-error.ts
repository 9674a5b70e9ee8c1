/** Failures of the key-value store, named as etcd names them; the API maps them to etcd's errors. */
export type MvccErrorCode = 'Compacted' | 'FutureRev' | 'KeyNotFound' | 'EmptyKey' | 'TooManyOps' | 'DuplicateKey' | 'ValueProvided' | 'LeaseProvided' | 'InvalidSortOption';

const MESSAGES: Record<MvccErrorCode, string> = {
  Compacted: 'mvcc: required revision has been compacted',
  FutureRev: 'mvcc: required revision is a future revision',
  KeyNotFound: 'etcdserver: key not found',
  EmptyKey: 'etcdserver: key is not provided',
  TooManyOps: 'etcdserver: too many operations in txn request',
  DuplicateKey: 'etcdserver: duplicate key given in txn request',
  ValueProvided: 'etcdserver: value is provided',
  LeaseProvided: 'etcdserver: lease is provided',
  InvalidSortOption: 'etcdserver: invalid sort option',
};

export class MvccError extends Error {
  constructor(readonly code: MvccErrorCode) {
    super(MESSAGES[code]);
    this.name = 'MvccError';
  }
}
