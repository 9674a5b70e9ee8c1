import type { ConfState, NodeId } from './types.js';
import { Progress } from './progress.js';
import { committedIndex, hasQuorum, voteResult, type VoteResult } from './quorum.js';

/** The leader's view of the membership and of each member's log and liveness. */
export class ProgressTracker {
  private conf: ConfState;
  readonly progress = new Map<NodeId, Progress>();
  readonly votes = new Map<NodeId, boolean>();

  constructor(
    conf: ConfState,
    private readonly maxInflight: number,
  ) {
    this.conf = conf;
  }

  confState(): ConfState {
    return this.conf;
  }

  voters(): readonly NodeId[] {
    return this.conf.voters;
  }

  isVoter(id: NodeId): boolean {
    return this.conf.voters.includes(id);
  }

  isMember(id: NodeId): boolean {
    return this.progress.has(id);
  }

  /** Installs a configuration, keeping the progress of members that stay. */
  setConf(conf: ConfState, nextIndex: number): void {
    this.conf = conf;
    const members = new Set([...conf.voters, ...conf.learners]);
    for (const id of [...this.progress.keys()]) if (!members.has(id)) this.progress.delete(id);
    for (const id of members) {
      const isLearner = conf.learners.includes(id);
      const pr = this.progress.get(id);
      if (pr) {
        pr.isLearner = isLearner;
      } else {
        const fresh = new Progress(nextIndex, this.maxInflight, isLearner);
        // A new member counts as active so that CheckQuorum does not depose the leader
        // before the member has had a chance to answer.
        fresh.recentActive = true;
        this.progress.set(id, fresh);
      }
    }
  }

  /** Fresh progress for every member, as a new leader (or a reset) needs it. */
  resetProgress(nextIndex: number, selfId: NodeId, selfMatch: number): void {
    for (const [id, pr] of this.progress) {
      const fresh = new Progress(nextIndex, this.maxInflight, pr.isLearner);
      if (id === selfId) fresh.match = selfMatch;
      this.progress.set(id, fresh);
    }
  }

  committed(): number {
    return committedIndex(this.conf.voters, (id) => this.progress.get(id)?.match ?? 0);
  }

  resetVotes(): void {
    this.votes.clear();
  }

  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tallyVotes(): VoteResult {
    return voteResult(this.conf.voters, this.votes);
  }

  /** CheckQuorum: whether a majority was heard from since the last check; clears the marks. */
  quorumActive(selfId: NodeId): boolean {
    const active = hasQuorum(this.conf.voters, (id) => id === selfId || (this.progress.get(id)?.recentActive ?? false));
    for (const [id, pr] of this.progress) pr.recentActive = id === selfId;
    return active;
  }
}
