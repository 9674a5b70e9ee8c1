import {
  EntryType,
  NONE,
  StateRole,
  type ConfChange,
  type Entry,
  type Message,
  type MsgApp,
  type MsgAppResp,
  type MsgHeartbeat,
  type MsgHeartbeatResp,
  type MsgProp,
  type MsgReadIndex,
  type MsgSnap,
  type MsgTransferLeader,
  type MsgVote,
  type NodeId,
  type Snapshot,
} from './types.js';
import { RaftError } from './errors.js';
import { entrySize } from './log.js';
import { applyConfChange, decodeConfChange, encodeConfChange, validateConfChange } from './confchange.js';
import { RaftState } from './raft-state.js';

export type { RaftConfig, RaftStatus, FollowerStatus } from './config.js';

/**
 * The Raft state machine: pure and synchronous. Inputs are tick(), step() and the
 * propose/read/transfer calls; the output is a Ready, acknowledged by advance().
 * It never reads a clock, does IO or draws a random number of its own.
 */
export class RaftCore extends RaftState {
  // ---- inputs ------------------------------------------------------------------------

  /** One logical clock tick: election timeout for followers and candidates, heartbeats for the leader. */
  tick(): void {
    if (this._role === StateRole.Leader) this.tickHeartbeat();
    else this.tickElection();
  }

  /** Starts an election now (used at bootstrap and in tests). */
  campaign(): void {
    this.hup(false);
  }

  /** Proposes an application command. Throws when it cannot be accepted here and now. */
  propose(data: Uint8Array): void {
    this.proposeEntries([{ term: 0, index: 0, type: EntryType.Normal, data }]);
  }

  /** Proposes several commands as one append: one MsgApp per follower instead of one per command. */
  proposeBatch(data: readonly Uint8Array[]): void {
    if (data.length === 0) return;
    this.proposeEntries(data.map((d) => ({ term: 0, index: 0, type: EntryType.Normal, data: d })));
  }

  proposeConfChange(cc: ConfChange): void {
    if (this._role === StateRole.Leader) {
      validateConfChange(this.tracker.confState(), cc);
      this.checkConfChangeAllowed();
    }
    this.proposeEntries([{ term: 0, index: 0, type: EntryType.ConfChange, data: encodeConfChange(cc) }]);
  }

  /** Asks for a read index; the answer comes in a later Ready's readStates with the same context. */
  readIndex(context: string): void {
    if (this._role === StateRole.Leader) {
      this.leaderReadIndex({ type: 'readIndex', from: this.id, to: this.id, term: 0, context });
      return;
    }
    if (this._lead === NONE) throw new RaftError('NoLeader', 'no leader to serve the read index');
    this.send({ type: 'readIndex', to: this._lead, context, term: 0 });
  }

  transferLeadership(to: NodeId): void {
    const m: MsgTransferLeader = { type: 'transferLeader', from: this.id, to: this.id, term: this._term, transferee: to };
    if (this._role === StateRole.Leader) this.leaderTransfer(m);
    else if (this._lead === NONE) throw new RaftError('NoLeader', 'no leader to transfer leadership from');
    else this.send({ type: 'transferLeader', to: this._lead, transferee: to });
  }

  /** The transport could not reach `id`: stop pipelining to it and probe instead. */
  reportUnreachable(id: NodeId): void {
    const pr = this.tracker.progress.get(id);
    if (this._role === StateRole.Leader && pr?.state === 'replicate') pr.becomeProbe();
  }

  /** The outcome of sending a snapshot to `id`. */
  reportSnapshot(id: NodeId, ok: boolean): void {
    const pr = this.tracker.progress.get(id);
    if (this._role !== StateRole.Leader || pr?.state !== 'snapshot') return;
    if (!ok) pr.pendingSnapshot = 0;
    // Either way, wait for the follower's answer before sending more (probe state).
    pr.becomeProbe();
    pr.probeSent = true;
  }

  /** Feeds a message from a peer. Stale or malformed messages are dropped; this never throws for peer input. */
  step(m: Message): void {
    if (m.term === 0) {
      // Forwarded proposals and reads are local to the term.
    } else if (m.term > this._term) {
      if (m.type === 'vote' || m.type === 'preVote') {
        const inLease =
          this.cfg.checkQuorum && this._lead !== NONE && this.electionElapsed < this.cfg.electionTick;
        // A node that heard from a live leader within the timeout ignores campaigns
        // (so a partitioned node rejoining cannot depose it), unless leadership is being handed over.
        if (!m.transfer && inLease) return;
      }
      if (m.type === 'preVote') {
        // A pre-vote never changes our term.
      } else if (m.type === 'preVoteResp' && !m.reject) {
        // We will bump our term when we campaign for real.
      } else if (m.type === 'app' || m.type === 'heartbeat' || m.type === 'snap') {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, NONE);
      }
    } else if (m.term < this._term) {
      if ((this.cfg.checkQuorum || this.cfg.preVote) && (m.type === 'heartbeat' || m.type === 'app')) {
        // A stale leader (e.g. partitioned away) learns the current term and steps down;
        // without this it could keep its followers from ever timing out under PreVote.
        this.send({ type: 'appResp', to: m.from, index: 0, reject: false, rejectHint: 0, logTerm: 0 });
      } else if (m.type === 'preVote') {
        this.send({ type: 'preVoteResp', to: m.from, reject: true });
      }
      return;
    }

    switch (m.type) {
      case 'vote':
      case 'preVote':
        this.handleVoteRequest(m);
        return;
      default:
        break;
    }
    switch (this._role) {
      case StateRole.Leader:
        this.stepLeader(m);
        return;
      case StateRole.Candidate:
      case StateRole.PreCandidate:
        this.stepCandidate(m);
        return;
      case StateRole.Follower:
        this.stepFollower(m);
        return;
    }
  }

  private becomeLeader(): void {
    this.reset(this._term);
    this._lead = this.id;
    this._role = StateRole.Leader;
    this.tracker.progress.get(this.id)?.becomeReplicate();
    // Entries of earlier terms may hold an unapplied conf change; refuse new ones until
    // everything in our log at election is applied.
    this.pendingConfIndex = this.log.lastIndex();
    // The no-op of the new term: committing it commits everything before it (§5.4.2),
    // and tells us our commit index is current, which ReadIndex relies on.
    this.appendEntries([{ term: 0, index: 0, type: EntryType.Normal, data: new Uint8Array(0) }]);
  }


  private hup(transfer: boolean): void {
    if (this._role === StateRole.Leader || !this.promotable()) return;
    // An unapplied committed conf change could change who votes: apply it first.
    if (this.log.committed > this.log.applied) {
      const unapplied = this.log.slice(Math.max(this.log.applied + 1, this.log.firstIndex()), this.log.committed + 1);
      if (unapplied.some((e) => e.type === EntryType.ConfChange)) return;
    }
    if (this.cfg.preVote && !transfer) this.runCampaign('preVote', false);
    else this.runCampaign('vote', transfer);
  }

  private runCampaign(kind: 'vote' | 'preVote', transfer: boolean): void {
    let voteTerm: number;
    if (kind === 'preVote') {
      this.becomePreCandidate();
      voteTerm = this._term + 1;
    } else {
      this.becomeCandidate();
      voteTerm = this._term;
    }
    if (this.poll(this.id, true) === 'won') {
      // A single-voter cluster wins at once.
      if (kind === 'preVote') this.runCampaign('vote', transfer);
      else this.becomeLeader();
      return;
    }
    for (const id of this.tracker.voters()) {
      if (id === this.id) continue;
      this.send({
        type: kind,
        to: id,
        term: voteTerm,
        index: this.log.lastIndex(),
        logTerm: this.log.lastTerm(),
        transfer,
      });
    }
  }

  private poll(id: NodeId, granted: boolean) {
    this.tracker.recordVote(id, granted);
    return this.tracker.tallyVotes();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.hup(false);
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.cfg.electionTick) {
      this.electionElapsed = 0;
      if (this.cfg.checkQuorum && !this.tracker.quorumActive(this.id)) {
        // Partitioned from a majority: stop acting as leader so clients go elsewhere.
        this.becomeFollower(this._term, NONE);
        return;
      }
      // A transfer that did not finish within an election timeout is abandoned.
      this.leadTransferee = NONE;
    }
    if (this.heartbeatElapsed >= this.cfg.heartbeatTick) {
      this.heartbeatElapsed = 0;
      this.broadcastHeartbeat(this.readOnly.lastContext());
    }
  }

  // ---- votes ------------------------------------------------------------------------

  private handleVoteRequest(m: MsgVote): void {
    const canVote =
      this._vote === m.from ||
      (this._vote === NONE && this._lead === NONE) ||
      (m.type === 'preVote' && m.term > this._term);
    const respType = m.type === 'vote' ? 'voteResp' : 'preVoteResp';
    if (canVote && this.log.isUpToDate(m.index, m.logTerm)) {
      // A granted pre-vote answers in the candidate's future term, so it counts there.
      this.send({ type: respType, to: m.from, term: m.term, reject: false });
      if (m.type === 'vote') {
        this.electionElapsed = 0;
        this._vote = m.from;
      }
    } else {
      this.send({ type: respType, to: m.from, term: this._term, reject: true });
    }
  }

  // ---- followers and candidates -------------------------------------------------------

  private stepFollower(m: Message): void {
    switch (m.type) {
      case 'prop':
        if (this._lead === NONE || this.cfg.disableProposalForwarding) return;
        this.send({ type: 'prop', to: this._lead, term: 0, entries: m.entries });
        return;
      case 'app':
        this.electionElapsed = 0;
        this._lead = m.from;
        this.handleAppend(m);
        return;
      case 'heartbeat':
        this.electionElapsed = 0;
        this._lead = m.from;
        this.handleHeartbeat(m);
        return;
      case 'snap':
        this.electionElapsed = 0;
        this._lead = m.from;
        this.handleSnapshot(m);
        return;
      case 'transferLeader':
        if (this._lead === NONE) return;
        this.send({ type: 'transferLeader', to: this._lead, transferee: m.transferee });
        return;
      case 'timeoutNow':
        // The leader hands over: campaign at once, skipping pre-vote and the leader lease.
        this.hup(true);
        return;
      case 'readIndex':
        if (this._lead === NONE) return;
        this.send({ type: 'readIndex', to: this._lead, term: 0, context: m.context });
        return;
      case 'readIndexResp':
        this.readStates.push({ index: m.index, context: m.context });
        return;
      default:
        return;
    }
  }

  private stepCandidate(m: Message): void {
    const myResp = this._role === StateRole.PreCandidate ? 'preVoteResp' : 'voteResp';
    switch (m.type) {
      case 'app':
        this.becomeFollower(m.term, m.from);
        this.handleAppend(m);
        return;
      case 'heartbeat':
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return;
      case 'snap':
        this.becomeFollower(m.term, m.from);
        this.handleSnapshot(m);
        return;
      case 'voteResp':
      case 'preVoteResp': {
        if (m.type !== myResp) return;
        const result = this.poll(m.from, !m.reject);
        if (result === 'won') {
          if (this._role === StateRole.PreCandidate) this.runCampaign('vote', false);
          else {
            this.becomeLeader();
            this.broadcastAppend();
          }
        } else if (result === 'lost') {
          this.becomeFollower(this._term, NONE);
        }
        return;
      }
      default:
        return;
    }
  }

  private handleAppend(m: MsgApp): void {
    if (m.index < this.log.committed) {
      this.send({ type: 'appResp', to: m.from, index: this.log.committed, reject: false, rejectHint: 0, logTerm: 0 });
      return;
    }
    const lastNew = this.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (lastNew !== undefined) {
      this.send({ type: 'appResp', to: m.from, index: lastNew, reject: false, rejectHint: 0, logTerm: 0 });
      return;
    }
    // Tell the leader the last index whose term is <= the term it expected, so it can skip
    // every entry of a conflicting term in one round trip.
    const hint = this.log.findConflictByTerm(Math.min(m.index, this.log.lastIndex()), m.logTerm);
    this.send({
      type: 'appResp',
      to: m.from,
      index: m.index,
      reject: true,
      rejectHint: hint,
      logTerm: this.log.term(hint) ?? 0,
    });
  }

  private handleHeartbeat(m: MsgHeartbeat): void {
    // The leader caps commit at our match, so this never points past our log.
    this.log.commitTo(Math.min(m.commit, this.log.lastIndex()));
    this.send({ type: 'heartbeatResp', to: m.from, context: m.context });
  }

  private handleSnapshot(m: MsgSnap): void {
    if (this.restore(m.snapshot)) {
      this.send({ type: 'appResp', to: m.from, index: this.log.lastIndex(), reject: false, rejectHint: 0, logTerm: 0 });
    } else {
      this.send({ type: 'appResp', to: m.from, index: this.log.committed, reject: false, rejectHint: 0, logTerm: 0 });
    }
  }

  /** Installs a leader's snapshot unless our log already holds what it covers. */
  private restore(s: Snapshot): boolean {
    const { index, term, confState } = s.metadata;
    if (index <= this.log.committed) return false;
    // The snapshot may leave us out: the leader only replicates to members of its applied
    // configuration, so a snapshot without us predates the entry that (re-)added us, which
    // follows in the log. Refusing it would stall a new node, or a removed node added back
    // under the same id, forever (the leader would resend the same snapshot).
    if (this.log.matchTerm(index, term)) {
      // We hold the entry: just fast-forward the commit index.
      this.log.commitTo(index);
      return false;
    }
    this.log.restore(s);
    this.tracker.setConf(confState, this.log.lastIndex() + 1);
    this.tracker.resetProgress(this.log.lastIndex() + 1, this.id, this.log.lastIndex());
    return true;
  }

  // ---- the leader ---------------------------------------------------------------------

  private stepLeader(m: Message): void {
    switch (m.type) {
      case 'prop':
        try {
          this.leaderPropose(m.entries);
        } catch (err) {
          // A forwarded proposal that cannot be accepted is dropped; the follower's caller times out and retries.
          if (!(err instanceof RaftError)) throw err;
        }
        return;
      case 'readIndex':
        this.leaderReadIndex(m);
        return;
      case 'appResp':
        this.handleAppendResponse(m);
        return;
      case 'heartbeatResp':
        this.handleHeartbeatResponse(m);
        return;
      case 'transferLeader':
        this.leaderTransfer(m);
        return;
      default:
        return;
    }
  }

  private proposeEntries(entries: Entry[]): void {
    if (this._role === StateRole.Leader) {
      this.leaderPropose(entries);
      return;
    }
    if (this._lead === NONE) throw new RaftError('NoLeader', 'no leader: the proposal was not accepted');
    if (this.cfg.disableProposalForwarding) throw new RaftError('ProposalDropped', 'not the leader and forwarding is disabled');
    const m: MsgProp = { type: 'prop', from: this.id, to: this._lead, term: 0, entries };
    this.msgs.push(m);
  }

  private checkConfChangeAllowed(): void {
    if (this.pendingConfIndex > this.log.applied) {
      throw new RaftError('ConfChangePending', 'a membership change is still being applied');
    }
    // The known fix for single-server changes: a new leader first commits an entry of its
    // own term, so no uncommitted change of an earlier term can still take effect.
    if (this.log.term(this.log.committed) !== this._term) {
      throw new RaftError('ConfChangePending', 'the leader has not committed an entry of its term yet');
    }
  }

  private leaderPropose(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    if (!this.tracker.isMember(this.id)) throw new RaftError('ProposalDropped', 'this leader was removed from the cluster');
    if (this.leadTransferee !== NONE) {
      throw new RaftError('ProposalDropped', `leadership is being transferred to ${this.leadTransferee}`);
    }
    const kept: Entry[] = [];
    let confIndex = 0;
    for (const e of entries) {
      if (e.type === EntryType.ConfChange) {
        if (confIndex !== 0) throw new RaftError('ConfChangePending', 'one membership change at a time');
        this.checkConfChangeAllowed();
        validateConfChange(this.tracker.confState(), decodeConfChange(e.data));
        confIndex = this.log.lastIndex() + kept.length + 1;
      }
      kept.push(e);
    }
    this.appendEntries(kept);
    // Only once appended: a change refused by appendEntries (too much uncommitted) must not
    // leave a phantom pending index that blocks the next change.
    if (confIndex !== 0) this.pendingConfIndex = confIndex;
    this.broadcastAppend();
  }

  private appendEntries(entries: readonly Entry[]): void {
    let bytes = 0;
    for (const e of entries) bytes += entrySize(e);
    const limit = this.cfg.maxUncommittedEntriesSize;
    // Always accept at least one batch, and never refuse the leader's own no-op.
    if (limit > 0 && this.uncommittedSize > 0 && this.uncommittedSize + bytes > limit) {
      throw new RaftError('ProposalDropped', 'too many uncommitted entries');
    }
    this.uncommittedSize += bytes;
    const first = this.log.lastIndex() + 1;
    const stamped = entries.map((e, i) => ({ term: this._term, index: first + i, type: e.type, data: e.data }));
    const last = this.log.append(stamped);
    // The leader counts its own copy now; the Ready protocol persists it before any message
    // that depends on it (including the commit index) leaves this node.
    this.tracker.progress.get(this.id)?.maybeUpdate(last);
    this.maybeCommit();
  }

  private maybeCommit(): boolean {
    const index = Math.min(this.tracker.committed(), this.log.lastIndex());
    if (!this.log.maybeCommit(index, this._term)) return false;
    this.releasePendingReads();
    return true;
  }

  private handleAppendResponse(m: MsgAppResp): void {
    const pr = this.tracker.progress.get(m.from);
    if (!pr) return;
    pr.recentActive = true;
    if (m.reject) {
      let probe = m.rejectHint;
      if (m.logTerm > 0) probe = this.log.findConflictByTerm(m.rejectHint, m.logTerm);
      if (pr.maybeDecrTo(m.index, probe)) {
        if (pr.state === 'replicate') pr.becomeProbe();
        this.sendAppend(m.from);
      }
      return;
    }
    const wasPaused = pr.isPaused();
    if (pr.maybeUpdate(m.index)) {
      if (pr.state === 'probe') pr.becomeReplicate();
      else if (pr.state === 'snapshot' && pr.match >= pr.pendingSnapshot) {
        pr.becomeProbe();
        pr.becomeReplicate();
      } else if (pr.state === 'replicate') pr.inflights.freeLE(m.index);

      if (this.maybeCommit()) {
        this.broadcastAppend();
        if (this.stepDownIfRemoved()) return;
      } else if (wasPaused) this.sendAppend(m.from);
      // Fill the window: keep sending while there is something new and room for it.
      while (this.sendAppend(m.from, false)) {
        /* pipelining */
      }
      if (m.from === this.leadTransferee && pr.match === this.log.lastIndex()) {
        this.send({ type: 'timeoutNow', to: m.from });
      }
    }
  }

  private handleHeartbeatResponse(m: MsgHeartbeatResp): void {
    const pr = this.tracker.progress.get(m.from);
    if (!pr) return;
    pr.recentActive = true;
    pr.probeSent = false;
    // A full window would stall replication if acks were lost; a heartbeat reply frees one slot.
    if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirst();
    if (pr.match < this.log.lastIndex()) this.sendAppend(m.from);

    if (this.cfg.readOnlyOption !== 'safe' || m.context === '') return;
    const acks = this.readOnly.recvAck(m.from, m.context);
    if (!acks) return;
    const voters = this.tracker.voters();
    const acked = voters.filter((v) => v === this.id || acks.has(v)).length;
    if (acked <= voters.length / 2) return;
    for (const r of this.readOnly.advance(m.context)) this.answerRead(r.from, r.index, r.context);
  }

  private leaderReadIndex(m: MsgReadIndex): void {
    const voters = this.tracker.voters();
    if (voters.length === 1 && voters[0] === this.id) {
      this.answerRead(m.from, this.log.committed, m.context);
      return;
    }
    // Until an entry of this term commits, our commit index may trail the true one (§6.4).
    if (this.log.term(this.log.committed) !== this._term) {
      this.pendingReads.push(m);
      return;
    }
    if (this.cfg.readOnlyOption === 'leaseBased') {
      this.answerRead(m.from, this.log.committed, m.context);
      return;
    }
    if (this.readOnly.add(this.log.committed, m.from, m.context)) {
      this.readOnly.recvAck(this.id, m.context);
      this.broadcastHeartbeat(m.context);
    }
  }

  private releasePendingReads(): void {
    if (this.pendingReads.length === 0 || this.log.term(this.log.committed) !== this._term) return;
    const reads = this.pendingReads;
    this.pendingReads = [];
    for (const m of reads) this.leaderReadIndex(m);
  }

  private answerRead(from: NodeId, index: number, context: string): void {
    if (from === this.id) this.readStates.push({ index, context });
    else this.send({ type: 'readIndexResp', to: from, index, context });
  }

  private leaderTransfer(m: MsgTransferLeader): void {
    const to = m.transferee;
    const pr = this.tracker.progress.get(to);
    if (!pr || pr.isLearner) return;
    if (this.leadTransferee === to) return; // already under way
    this.leadTransferee = NONE;
    if (to === this.id) return;
    // The transfer must finish within an election timeout.
    this.electionElapsed = 0;
    this.leadTransferee = to;
    if (pr.match === this.log.lastIndex()) this.send({ type: 'timeoutNow', to });
    else this.sendAppend(to);
  }

  protected applyConfChangeEntry(e: Entry): void {
    const cc = decodeConfChange(e.data);
    const conf = applyConfChange(this.tracker.confState(), cc);
    this.confHistory.push({ index: e.index, conf });
    this.tracker.setConf(conf, this.log.lastIndex() + 1);
    if (this._role !== StateRole.Leader) return;
    if (this.leadTransferee !== NONE && !this.tracker.isVoter(this.leadTransferee)) this.leadTransferee = NONE;
    // A smaller quorum may commit more now; new members need the log.
    if (this.maybeCommit()) this.broadcastAppend();
    else for (const id of this.tracker.progress.keys()) if (id !== this.id) this.sendAppend(id, false);
    this.stepDownIfRemoved();
  }

  /**
   * A leader removed from the membership steps down, but only once the remaining voters
   * hold its whole log committed (it takes no new proposals meanwhile). Until they learn of
   * that commit they still count it as a voter, and it refuses its vote to any of them with
   * a shorter log: stepping down with an uncommitted tail could leave them without a quorum
   * for good (removing the leader of two voters, say).
   */
  private stepDownIfRemoved(): boolean {
    if (this._role !== StateRole.Leader || this.tracker.isVoter(this.id)) return false;
    if (this.log.committed < this.log.lastIndex()) return false;
    this.becomeFollower(this._term, NONE);
    return true;
  }

  // ---- sending ------------------------------------------------------------------------

  private broadcastAppend(): void {
    for (const id of this.tracker.progress.keys()) if (id !== this.id) this.sendAppend(id);
  }

  private broadcastHeartbeat(context: string): void {
    for (const [id, pr] of this.tracker.progress) {
      if (id === this.id) continue;
      // Never tell a follower to commit past what it is known to hold.
      this.send({ type: 'heartbeat', to: id, commit: Math.min(pr.match, this.log.committed), context });
    }
  }

  /**
   * Sends the entries `to` needs next, or a snapshot when they were compacted away.
   * Returns whether a message was sent.
   */
  private sendAppend(to: NodeId, sendIfEmpty = true): boolean {
    const pr = this.tracker.progress.get(to);
    if (!pr || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.term(prevIndex);
    if (prevTerm === undefined || pr.next < this.log.firstIndex()) {
      if (!pr.recentActive) return false;
      const snapshot = this.log.snapshot();
      if (!snapshot) return false;
      pr.becomeSnapshot(snapshot.metadata.index);
      this.send({ type: 'snap', to, snapshot });
      return true;
    }
    const entries = this.log.slice(pr.next, this.log.lastIndex() + 1, this.cfg.maxSizePerMsg);
    if (entries.length === 0 && !sendIfEmpty) return false;
    this.send({ type: 'app', to, index: prevIndex, logTerm: prevTerm, entries, commit: this.log.committed });
    if (entries.length > 0) {
      const last = entries[entries.length - 1].index;
      if (pr.state === 'replicate') {
        let bytes = 0;
        for (const e of entries) bytes += entrySize(e);
        pr.optimisticUpdate(last);
        pr.inflights.add(last, bytes);
      } else if (pr.state === 'probe') {
        pr.probeSent = true;
      }
    } else if (pr.state === 'probe') {
      pr.probeSent = true;
    }
    return true;
  }

}
