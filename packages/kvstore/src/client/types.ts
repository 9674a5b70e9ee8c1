/** What the client hands back: bytes as Uint8Array, revisions as numbers, IDs (int64) as bigint. */
export interface KeyValue {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
  readonly lease: bigint;
}

export interface Header {
  readonly clusterId: bigint;
  readonly memberId: bigint;
  readonly revision: number;
  readonly raftTerm: number;
}

export interface WatchEvent {
  readonly type: 'PUT' | 'DELETE';
  readonly kv: KeyValue;
  readonly prevKv?: KeyValue;
}

export interface Member {
  readonly id: bigint;
  readonly name: string;
  readonly peerUrls: string[];
  readonly clientUrls: string[];
  readonly isLearner: boolean;
}

/** A failure reported by the server, with etcd's gRPC code and message. */
export class EtcdClientError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly httpStatus: number,
  ) {
    super(message);
    this.name = 'EtcdClientError';
  }

  /** Worth retrying on another member: no leader, leader changed, timeouts, a member shutting down. */
  get retryable(): boolean {
    return this.code === 14 || this.code === 4;
  }
}
