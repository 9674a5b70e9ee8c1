import {
  EntryType,
  NONE,
  StateRole,
  type ConfState,
  type Entry,
  type HardState,
  type Message,
  type MsgReadIndex,
  type NodeId,
  type ReadState,
  type Ready,
  type RestoredState,
  type Snapshot,
  type SnapshotMetadata,
  type SoftState,
} from './types.js';
import { RaftError } from './errors.js';
import { RaftLog, entrySize } from './log.js';
import { ProgressTracker } from './tracker.js';
import { ReadOnlyQueue } from './read-only.js';
import { applyConfChange, decodeConfChange } from './confchange.js';
import { resolveConfig, type FollowerStatus, type RaftConfig, type RaftStatus, type ResolvedConfig } from './config.js';

type Outgoing = Message extends infer M ? (M extends Message ? Omit<M, 'from' | 'term'> & { term?: number } : never) : never;

/**
 * The state of one Raft node and the bookkeeping of its Ready protocol: everything
 * RaftCore (raft.ts) reads and changes when it reacts to inputs. Split from RaftCore
 * only to keep each file readable; the two are one state machine.
 */
export abstract class RaftState {
  readonly id: NodeId;
  protected readonly cfg: ResolvedConfig;

  protected _term = 0;
  protected _vote: NodeId = NONE;
  protected _lead: NodeId = NONE;
  protected _role: StateRole = StateRole.Follower;
  protected readonly log: RaftLog;
  protected readonly tracker: ProgressTracker;
  protected readOnly = new ReadOnlyQueue();
  /** ReadIndex requests that arrived before the leader committed an entry of its term. */
  protected pendingReads: MsgReadIndex[] = [];

  protected electionElapsed = 0;
  protected heartbeatElapsed = 0;
  protected randomizedElectionTimeout = 0;
  protected leadTransferee: NodeId = NONE;
  /** Index of the latest conf change proposed by this leader; none may be proposed until it is applied. */
  protected pendingConfIndex = 0;
  protected uncommittedSize = 0;
  /** Configurations by the index that produced them, to snapshot at an index below applied. */
  protected confHistory: { index: number; conf: ConfState }[];

  protected msgs: Message[] = [];
  protected readStates: ReadState[] = [];
  protected prevHard: HardState;
  protected prevSoft: SoftState;

  constructor(config: RaftConfig, restored: RestoredState) {
    this.id = config.id;
    this.cfg = resolveConfig(config);
    const initialConf = restored.confState ?? { voters: [], learners: [] };
    this.log = new RaftLog(restored.snapshot, initialConf, restored.entries);
    const hs = restored.hardState;
    // A commit index that was not synced may trail the snapshot (commitTo ignores it); one past the log is corruption.
    if (hs.commit > this.log.lastIndex()) {
      throw new Error(`hard state commit ${hs.commit} is past the last index ${this.log.lastIndex()}`);
    }
    this.log.commitTo(hs.commit);
    this._term = hs.term;
    this._vote = hs.vote;

    // Rebuild the membership: the snapshot's, then the conf changes the application had
    // already applied (they will not be handed out again).
    const snapMeta = this.log.snapshotMetadata();
    let conf = snapMeta.confState;
    this.confHistory = [{ index: snapMeta.index, conf }];
    const applied = Math.min(Math.max(config.applied ?? 0, snapMeta.index), this.log.committed);
    for (const e of this.log.all()) {
      if (e.index > applied) break;
      if (e.type === EntryType.ConfChange) {
        conf = applyConfChange(conf, decodeConfChange(e.data));
        this.confHistory.push({ index: e.index, conf });
      }
    }
    this.tracker = new ProgressTracker(conf, this.cfg.maxInflightMsgs);
    this.tracker.setConf(conf, this.log.lastIndex() + 1);
    this.log.appliedTo(applied);

    this.becomeFollower(this._term, NONE);
    this.prevHard = this.hardState();
    this.prevSoft = this.softState();
  }

  // ---- observation -------------------------------------------------------------------

  get term(): number {
    return this._term;
  }
  get role(): StateRole {
    return this._role;
  }
  get lead(): NodeId {
    return this._lead;
  }
  get commit(): number {
    return this.log.committed;
  }
  get applied(): number {
    return this.log.applied;
  }
  get lastIndex(): number {
    return this.log.lastIndex();
  }

  confState(): ConfState {
    return this.tracker.confState();
  }

  hardState(): HardState {
    return { term: this._term, vote: this._vote, commit: this.log.committed };
  }

  softState(): SoftState {
    return { lead: this._lead, role: this._role };
  }

  snapshotMetadata(): SnapshotMetadata {
    return this.log.snapshotMetadata();
  }

  logEntries(): readonly Entry[] {
    return this.log.all();
  }

  status(): RaftStatus {
    const progress = new Map<NodeId, FollowerStatus>();
    if (this._role === StateRole.Leader) {
      for (const [id, pr] of this.tracker.progress) {
        progress.set(id, { match: pr.match, next: pr.next, state: pr.state, isLearner: pr.isLearner });
      }
    }
    return {
      id: this.id,
      term: this._term,
      vote: this._vote,
      commit: this.log.committed,
      applied: this.log.applied,
      lead: this._lead,
      role: this._role,
      leadTransferee: this.leadTransferee,
      progress,
    };
  }

  // ---- Ready ------------------------------------------------------------------------

  hasReady(): boolean {
    if (this.msgs.length > 0 || this.readStates.length > 0) return true;
    if (this.log.pendingSnapshot || this.log.stabled < this.log.lastIndex()) return true;
    if (this.log.hasNextCommittedEntries()) return true;
    const soft = this.softState();
    if (soft.lead !== this.prevSoft.lead || soft.role !== this.prevSoft.role) return true;
    return !sameHardState(this.hardState(), this.prevHard);
  }

  /** Collects what the application must do now. Call advance(ready) once done. */
  ready(): Ready {
    const hard = this.hardState();
    const soft = this.softState();
    const entries = this.log.unstableEntries();
    const committedEntries = this.log.nextCommittedEntries(this.cfg.maxCommittedSizePerReady);
    if (committedEntries.length > 0) this.log.applying = committedEntries[committedEntries.length - 1].index;
    const hardChanged = !sameHardState(hard, this.prevHard);
    const rd: Ready = {
      softState: soft.lead !== this.prevSoft.lead || soft.role !== this.prevSoft.role ? soft : undefined,
      hardState: hardChanged ? hard : undefined,
      entries,
      snapshot: this.log.pendingSnapshot,
      committedEntries,
      messages: this.msgs,
      readStates: this.readStates,
      mustSync:
        entries.length > 0 ||
        this.log.pendingSnapshot !== undefined ||
        hard.term !== this.prevHard.term ||
        hard.vote !== this.prevHard.vote,
    };
    this.msgs = [];
    this.readStates = [];
    if (rd.softState) this.prevSoft = soft;
    if (rd.hardState) this.prevHard = hard;
    return rd;
  }

  /** The application persisted, sent and applied `rd`. Membership changes in it take effect now. */
  advance(rd: Ready): void {
    if (rd.snapshot) {
      this.log.snapshotInstalled(rd.snapshot.metadata.index);
      this.confHistory = [{ index: rd.snapshot.metadata.index, conf: rd.snapshot.metadata.confState }];
    }
    if (rd.entries.length > 0) {
      const last = rd.entries[rd.entries.length - 1];
      this.log.stableTo(last.index, last.term);
    } else if (rd.snapshot) {
      this.log.stableTo(rd.snapshot.metadata.index, rd.snapshot.metadata.term);
    }
    let released = 0;
    for (const e of rd.committedEntries) {
      if (e.index <= this.log.applied) continue;
      this.log.appliedTo(e.index);
      released += entrySize(e);
      if (e.type === EntryType.ConfChange) this.applyConfChangeEntry(e);
    }
    if (this._role === StateRole.Leader) this.uncommittedSize = Math.max(0, this.uncommittedSize - released);
  }

  /**
   * Records a snapshot of the application's state taken at applied index `index`, and
   * drops the log up to it. Followers that need older entries get this snapshot.
   */
  compact(index: number, data: Uint8Array): Snapshot {
    if (index > this.log.applied) throw new RaftError('Unavailable', `cannot snapshot at ${index}: applied is ${this.log.applied}`);
    const term = this.log.term(index);
    if (term === undefined) throw new RaftError('Compacted', `index ${index} is already compacted`);
    let conf = this.confHistory[0].conf;
    for (const h of this.confHistory) if (h.index <= index) conf = h.conf;
    const s: Snapshot = { metadata: { index, term, confState: conf }, data };
    this.log.compact(s);
    // Keep the changes applied after `index`: a later snapshot must still see them.
    this.confHistory = [{ index, conf }, ...this.confHistory.filter((h) => h.index > index)];
    return s;
  }

  // ---- roles ------------------------------------------------------------------------

  protected reset(term: number): void {
    if (term !== this._term) {
      this._term = term;
      this._vote = NONE;
    }
    this._lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout =
      this.cfg.electionTick + Math.floor(this.cfg.random() * this.cfg.electionTick);
    this.leadTransferee = NONE;
    this.tracker.resetVotes();
    this.tracker.resetProgress(this.log.lastIndex() + 1, this.id, this.log.lastIndex());
    this.pendingConfIndex = 0;
    this.uncommittedSize = 0;
    this.readOnly = new ReadOnlyQueue();
    this.pendingReads = [];
  }

  protected becomeFollower(term: number, lead: NodeId): void {
    this.reset(term);
    this._lead = lead;
    this._role = StateRole.Follower;
  }

  protected becomePreCandidate(): void {
    if (this._role === StateRole.Leader) throw new Error('leader cannot become pre-candidate');
    // Term and vote stay: a pre-campaign must not disturb anyone.
    this.tracker.resetVotes();
    this._lead = NONE;
    this._role = StateRole.PreCandidate;
  }

  protected becomeCandidate(): void {
    if (this._role === StateRole.Leader) throw new Error('leader cannot become candidate');
    this.reset(this._term + 1);
    this._vote = this.id;
    this._role = StateRole.Candidate;
  }


  protected promotable(): boolean {
    return this.tracker.isVoter(this.id) && !this.log.pendingSnapshot;
  }


  /** A committed membership change was applied by the application. */
  protected abstract applyConfChangeEntry(e: Entry): void;

  protected send(m: Outgoing): void {
    const full = { ...m, from: this.id, term: m.term ?? this._term } as Message;
    this.msgs.push(full);
  }
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}
