/**
 * The data the Raft core consumes and produces. Everything here is plain data so
 * that it can be persisted, sent over the wire (msgpack) and compared in tests.
 *
 * Indexes and terms are JavaScript numbers: they grow by one per entry or election,
 * so 2^53 is out of reach. Node IDs are strings (etcd prints member IDs as hex);
 * the kvstore maps them to and from uint64 at its API edge.
 */

export type NodeId = string;

/** Sentinel for "no node" (no vote cast, no known leader). */
export const NONE: NodeId = '';

export enum EntryType {
  /** An application command; empty data is the leader's no-op of a new term. */
  Normal = 0,
  /** A membership change: data is an encoded {@link ConfChange}. */
  ConfChange = 1,
}

export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly type: EntryType;
  readonly data: Uint8Array;
}

/** The persistent state every server keeps (Figure 2 of the Raft paper) plus the commit index. */
export interface HardState {
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
}

export const EMPTY_HARD_STATE: HardState = Object.freeze({ term: 0, vote: NONE, commit: 0 });

/** The membership: voters decide elections and commits, learners only receive the log. */
export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

/** `updateNode` changes nothing in the configuration: it carries a member's new context (its URLs). */
export type ConfChangeType = 'addNode' | 'addLearner' | 'removeNode' | 'updateNode';

/**
 * A single-server membership change. Promoting a learner is `addNode` of an existing
 * learner. One change may be pending at a time, and only after the leader has
 * committed an entry of its own term (the fix to the single-server change bug).
 */
export interface ConfChange {
  readonly type: ConfChangeType;
  readonly nodeId: NodeId;
  /** Opaque to Raft: the kvstore puts member URLs here. */
  readonly context?: Uint8Array;
}

export interface SnapshotMetadata {
  readonly index: number;
  readonly term: number;
  readonly confState: ConfState;
}

export interface Snapshot {
  readonly metadata: SnapshotMetadata;
  /** The application's state as of metadata.index. */
  readonly data: Uint8Array;
}

export enum StateRole {
  Follower = 'follower',
  PreCandidate = 'pre-candidate',
  Candidate = 'candidate',
  Leader = 'leader',
}

/** Volatile state that the application may want to observe; never persisted. */
export interface SoftState {
  readonly lead: NodeId;
  readonly role: StateRole;
}

/**
 * The answer to a ReadIndex request: once the application has applied up to
 * `index`, a read started before the request was made is linearizable.
 */
export interface ReadState {
  readonly index: number;
  readonly context: string;
}

// ---------------------------------------------------------------------------
// Messages between peers. `term` 0 marks a message that is local to a node
// (a proposal or read forwarded within the term carries the sender's term).

interface MessageBase {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: number;
}

/** A proposal forwarded from a follower to the leader. */
export interface MsgProp extends MessageBase {
  readonly type: 'prop';
  readonly entries: readonly Entry[];
}

/** AppendEntries: `index`/`logTerm` identify the entry preceding `entries`. */
export interface MsgApp extends MessageBase {
  readonly type: 'app';
  readonly index: number;
  readonly logTerm: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
}

/**
 * AppendEntries response. On success `index` is the last index now matching the
 * leader. On rejection `index` is the rejected prevIndex and `rejectHint`/`logTerm`
 * let the leader skip a whole conflicting term at once (fast backtracking).
 */
export interface MsgAppResp extends MessageBase {
  readonly type: 'appResp';
  readonly index: number;
  readonly reject: boolean;
  readonly rejectHint: number;
  readonly logTerm: number;
}

/**
 * RequestVote, real or pre-vote. A pre-vote carries the term the sender would
 * campaign in, without having incremented its own. `transfer` marks a campaign
 * triggered by leadership transfer, which may disrupt a live leader.
 */
export interface MsgVote extends MessageBase {
  readonly type: 'vote' | 'preVote';
  readonly index: number;
  readonly logTerm: number;
  readonly transfer: boolean;
}

export interface MsgVoteResp extends MessageBase {
  readonly type: 'voteResp' | 'preVoteResp';
  readonly reject: boolean;
}

/** InstallSnapshot, sent when the entries a follower needs were compacted away. */
export interface MsgSnap extends MessageBase {
  readonly type: 'snap';
  readonly snapshot: Snapshot;
}

/** Heartbeat: `commit` is capped at what the follower is known to hold. `context` carries a ReadIndex round. */
export interface MsgHeartbeat extends MessageBase {
  readonly type: 'heartbeat';
  readonly commit: number;
  readonly context: string;
}

export interface MsgHeartbeatResp extends MessageBase {
  readonly type: 'heartbeatResp';
  readonly context: string;
}

/** A follower asks the leader to hand leadership to `transferee`. */
export interface MsgTransferLeader extends MessageBase {
  readonly type: 'transferLeader';
  readonly transferee: NodeId;
}

/** The leader tells an up-to-date transferee to campaign at once. */
export interface MsgTimeoutNow extends MessageBase {
  readonly type: 'timeoutNow';
}

/** A follower forwards a ReadIndex request to the leader. */
export interface MsgReadIndex extends MessageBase {
  readonly type: 'readIndex';
  readonly context: string;
}

export interface MsgReadIndexResp extends MessageBase {
  readonly type: 'readIndexResp';
  readonly index: number;
  readonly context: string;
}

export type Message =
  | MsgProp
  | MsgApp
  | MsgAppResp
  | MsgVote
  | MsgVoteResp
  | MsgSnap
  | MsgHeartbeat
  | MsgHeartbeatResp
  | MsgTransferLeader
  | MsgTimeoutNow
  | MsgReadIndex
  | MsgReadIndexResp;

export type MessageType = Message['type'];

// ---------------------------------------------------------------------------

/**
 * What the core asks the application to do, in this order:
 * 1. persist `hardState`, `entries` and `snapshot` (synced when `mustSync`);
 * 2. send `messages` (only after step 1: votes and appends depend on it);
 * 3. install `snapshot` (if any) then apply `committedEntries` in order;
 * 4. call `advance(ready)`.
 */
export interface Ready {
  readonly softState?: SoftState;
  readonly hardState?: HardState;
  /** Entries to append to stable storage; an entry at an existing index replaces it and everything after. */
  readonly entries: readonly Entry[];
  readonly snapshot?: Snapshot;
  readonly committedEntries: readonly Entry[];
  readonly messages: readonly Message[];
  readonly readStates: readonly ReadState[];
  /** True when the hard state's term/vote or the log changed: those must reach disk before messages leave. */
  readonly mustSync: boolean;
}

/** What a node restarting from stable storage hands the core. */
export interface RestoredState {
  readonly hardState: HardState;
  readonly snapshot?: Snapshot;
  /** Entries after the snapshot (or from index 1), contiguous. */
  readonly entries: readonly Entry[];
  /**
   * The membership when there is no snapshot, for tests with a fixed membership only.
   * A real cluster starts from bootstrapState(), which puts the founding members in the
   * log: with confState alone, a member added later that replays the log from index 1
   * would never learn the founding voters.
   */
  readonly confState?: ConfState;
}
