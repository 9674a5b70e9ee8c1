import { GrpcCode } from './grpc-status.js';

/**
 * Every error the client API can answer with, by etcd's name, with its gRPC code and
 * its exact message (clients, the real etcdctl included, match on the message).
 * Defined once here and used by both the JSON gateway and gRPC.
 */
export const ETCD_ERRORS = {
  EmptyKey: [GrpcCode.InvalidArgument, 'etcdserver: key is not provided'],
  KeyNotFound: [GrpcCode.InvalidArgument, 'etcdserver: key not found'],
  ValueProvided: [GrpcCode.InvalidArgument, 'etcdserver: value is provided'],
  LeaseProvided: [GrpcCode.InvalidArgument, 'etcdserver: lease is provided'],
  TooManyOps: [GrpcCode.InvalidArgument, 'etcdserver: too many operations in txn request'],
  DuplicateKey: [GrpcCode.InvalidArgument, 'etcdserver: duplicate key given in txn request'],
  InvalidSortOption: [GrpcCode.InvalidArgument, 'etcdserver: invalid sort option'],
  Compacted: [GrpcCode.OutOfRange, 'etcdserver: mvcc: required revision has been compacted'],
  FutureRev: [GrpcCode.OutOfRange, 'etcdserver: mvcc: required revision is a future revision'],
  NoSpace: [GrpcCode.ResourceExhausted, 'etcdserver: mvcc: database space exceeded'],
  LeaseNotFound: [GrpcCode.NotFound, 'etcdserver: requested lease not found'],
  LeaseExist: [GrpcCode.FailedPrecondition, 'etcdserver: lease already exists'],
  LeaseTTLTooLarge: [GrpcCode.OutOfRange, 'etcdserver: too large lease TTL'],
  WatchCanceled: [GrpcCode.Canceled, 'etcdserver: watch canceled'],
  MemberExist: [GrpcCode.FailedPrecondition, 'etcdserver: member ID already exist'],
  PeerURLExist: [GrpcCode.FailedPrecondition, 'etcdserver: Peer URLs already exists'],
  MemberNotEnoughStarted: [GrpcCode.FailedPrecondition, 'etcdserver: re-configuration failed due to not enough started members'],
  MemberBadURLs: [GrpcCode.InvalidArgument, 'etcdserver: given member URLs are invalid'],
  MemberNotFound: [GrpcCode.NotFound, 'etcdserver: member not found'],
  MemberNotLearner: [GrpcCode.FailedPrecondition, 'etcdserver: can only promote a learner member'],
  LearnerNotReady: [GrpcCode.FailedPrecondition, 'etcdserver: can only promote a learner member which is in sync with leader'],
  TooManyLearners: [GrpcCode.FailedPrecondition, 'etcdserver: too many learner members in cluster'],
  RequestTooLarge: [GrpcCode.InvalidArgument, 'etcdserver: request is too large'],
  TooManyRequests: [GrpcCode.ResourceExhausted, 'etcdserver: too many requests'],
  NoLeader: [GrpcCode.Unavailable, 'etcdserver: no leader'],
  NotLeader: [GrpcCode.FailedPrecondition, 'etcdserver: not leader'],
  LeaderChanged: [GrpcCode.Unavailable, 'etcdserver: leader changed'],
  Stopped: [GrpcCode.Unavailable, 'etcdserver: server stopped'],
  Timeout: [GrpcCode.Unavailable, 'etcdserver: request timed out'],
  TimeoutDueToLeaderFail: [GrpcCode.Unavailable, 'etcdserver: request timed out, possibly due to previous leader failure'],
  Unhealthy: [GrpcCode.Unavailable, 'etcdserver: unhealthy cluster'],
  Corrupt: [GrpcCode.DataLoss, 'etcdserver: corrupt cluster'],
  NotSupportedForLearner: [GrpcCode.Unavailable, 'etcdserver: rpc not supported for learner'],
  BadLeaderTransferee: [GrpcCode.FailedPrecondition, 'etcdserver: bad leader transferee'],
  Canceled: [GrpcCode.Canceled, 'etcdserver: request canceled'],
  DeadlineExceeded: [GrpcCode.DeadlineExceeded, 'etcdserver: context deadline exceeded'],
} as const satisfies Record<string, readonly [GrpcCode, string]>;

export type EtcdErrorName = keyof typeof ETCD_ERRORS;

/** A failure the client can act on, in etcd's terms. */
export class EtcdError extends Error {
  readonly grpcCode: GrpcCode;

  constructor(readonly etcdName: EtcdErrorName | 'BadRequest', message?: string, grpcCode?: GrpcCode) {
    const known = etcdName === 'BadRequest' ? undefined : ETCD_ERRORS[etcdName];
    super(message ?? known?.[1] ?? 'bad request');
    this.name = 'EtcdError';
    this.grpcCode = grpcCode ?? known?.[0] ?? GrpcCode.InvalidArgument;
  }

  /** A malformed request (bad JSON, bad base64, an unknown enum value), as the gateway reports it. */
  static badRequest(message: string): EtcdError {
    return new EtcdError('BadRequest', message, GrpcCode.InvalidArgument);
  }
}
