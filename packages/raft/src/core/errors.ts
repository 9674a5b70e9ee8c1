/**
 * Failures the caller of the core (or of RaftNode) can act on. `code` is stable
 * and is what the kvstore maps to etcd's errors at its API edge.
 */
export type RaftErrorCode =
  /** No leader is known: retry after an election (etcd: "etcdserver: no leader"). */
  | 'NoLeader'
  /** The proposal was not accepted (leader transfer in progress, forwarding disabled, too large). */
  | 'ProposalDropped'
  /** A membership change is already pending, or the leader has not yet committed an entry of its term. */
  | 'ConfChangePending'
  /** The membership change makes no sense for the current configuration. */
  | 'InvalidConfChange'
  /** The requested index was compacted away. */
  | 'Compacted'
  /** The requested index is not yet in the log. */
  | 'Unavailable'
  /** The node was stopped. */
  | 'Stopped'
  /** The leader changed before the proposal or read could complete; it may or may not have applied. */
  | 'LeaderChanged'
  /** The operation did not complete in time. */
  | 'Timeout';

export class RaftError extends Error {
  constructor(
    readonly code: RaftErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RaftError';
  }
}
