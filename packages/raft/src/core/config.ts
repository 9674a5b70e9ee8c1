import type { NodeId, StateRole } from './types.js';
import type { ProgressState } from './progress.js';

export interface RaftConfig {
  readonly id: NodeId;
  /** Election timeout in ticks; each term a node waits a random time in [electionTick, 2*electionTick). */
  readonly electionTick: number;
  /** Heartbeat interval in ticks; must be below electionTick. */
  readonly heartbeatTick: number;
  /** The injected random source, returning numbers in [0, 1). */
  readonly random: () => number;
  /** The last index the application had applied before a restart; entries up to it are not handed out again. */
  readonly applied?: number;
  /** Bytes of entries per MsgApp (at least one entry is always sent). Default 1 MiB. */
  readonly maxSizePerMsg?: number;
  /** MsgApps in flight per follower in replicate state. Default 256. */
  readonly maxInflightMsgs?: number;
  /** The leader refuses proposals while this many bytes are uncommitted. 0 = unlimited. */
  readonly maxUncommittedEntriesSize?: number;
  /** Bytes of committed entries handed out per Ready. Default 64 MiB. */
  readonly maxCommittedSizePerReady?: number;
  /** PreVote (§9.6): a node campaigns only if a majority would vote for it. Default true. */
  readonly preVote?: boolean;
  /** CheckQuorum: a leader that has not heard from a majority for an election timeout steps down. Default true. */
  readonly checkQuorum?: boolean;
  /** 'safe' confirms leadership with a heartbeat round per ReadIndex; 'leaseBased' trusts the clock. Default 'safe'. */
  readonly readOnlyOption?: 'safe' | 'leaseBased';
  readonly disableProposalForwarding?: boolean;
}

/** What the leader knows of a follower, for status pages and tests. */
export interface FollowerStatus {
  readonly match: number;
  readonly next: number;
  readonly state: ProgressState;
  readonly isLearner: boolean;
}

export interface RaftStatus {
  readonly id: NodeId;
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
  readonly applied: number;
  readonly lead: NodeId;
  readonly role: StateRole;
  readonly leadTransferee: NodeId;
  readonly progress: ReadonlyMap<NodeId, FollowerStatus>;
}

/** The configuration with every default filled in. */
export type ResolvedConfig = Required<Omit<RaftConfig, 'applied'>>;

export function resolveConfig(config: RaftConfig): ResolvedConfig {
  if (config.heartbeatTick <= 0 || config.electionTick <= config.heartbeatTick) {
    throw new Error('electionTick must be greater than heartbeatTick, which must be positive');
  }
  const cfg: ResolvedConfig = {
    id: config.id,
    electionTick: config.electionTick,
    heartbeatTick: config.heartbeatTick,
    random: config.random,
    maxSizePerMsg: config.maxSizePerMsg ?? 1024 * 1024,
    maxInflightMsgs: config.maxInflightMsgs ?? 256,
    maxUncommittedEntriesSize: config.maxUncommittedEntriesSize ?? 0,
    maxCommittedSizePerReady: config.maxCommittedSizePerReady ?? 64 * 1024 * 1024,
    preVote: config.preVote ?? true,
    checkQuorum: config.checkQuorum ?? true,
    readOnlyOption: config.readOnlyOption ?? 'safe',
    disableProposalForwarding: config.disableProposalForwarding ?? false,
  };
  // A lease is only as good as the leader's knowledge that a quorum still follows it.
  if (cfg.readOnlyOption === 'leaseBased' && !cfg.checkQuorum) throw new Error('lease-based reads need checkQuorum');
  return cfg;
}
