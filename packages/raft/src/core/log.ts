import type { ConfState, Entry, Snapshot, SnapshotMetadata } from './types.js';
import { RaftError } from './errors.js';

/** Bytes an entry counts for in flow control: its payload plus a fixed header estimate. */
export function entrySize(e: Entry): number {
  return e.data.byteLength + 16;
}

/**
 * The replicated log as one node holds it: a snapshot (the compacted prefix) and the
 * entries after it. Entries up to `stabled` are on disk; later ones are waiting for the
 * next Ready to persist them.
 *
 * Invariants: entries[i].index === snapshot.index + 1 + i;
 *             applied <= committed <= lastIndex(); stabled <= lastIndex().
 */
export class RaftLog {
  private snap: SnapshotMetadata;
  /** The latest snapshot with its data, kept to send to followers that fell behind. */
  private snapWithData: Snapshot | undefined;
  private ents: Entry[];
  /** A snapshot received from the leader that the application has not installed yet. */
  pendingSnapshot: Snapshot | undefined;
  committed: number;
  applied: number;
  /** Highest index handed out for applying in a Ready not yet advanced. */
  applying: number;
  stabled: number;

  constructor(snapshot: Snapshot | undefined, initialConf: ConfState, entries: readonly Entry[]) {
    this.snap = snapshot?.metadata ?? { index: 0, term: 0, confState: initialConf };
    this.snapWithData = snapshot;
    this.ents = [...entries];
    if (this.ents.length > 0 && this.ents[0].index !== this.snap.index + 1) {
      throw new Error(`log entries start at ${this.ents[0].index}, expected ${this.snap.index + 1}`);
    }
    this.pendingSnapshot = undefined;
    this.committed = this.snap.index;
    this.applied = this.snap.index;
    this.applying = this.snap.index;
    this.stabled = this.lastIndex();
  }

  snapshotMetadata(): SnapshotMetadata {
    return this.snap;
  }

  /** The snapshot to send a follower, or undefined when none with data exists yet. */
  snapshot(): Snapshot | undefined {
    return this.pendingSnapshot ?? this.snapWithData;
  }

  firstIndex(): number {
    return this.snap.index + 1;
  }

  lastIndex(): number {
    return this.snap.index + this.ents.length;
  }

  lastTerm(): number {
    return this.term(this.lastIndex()) ?? 0;
  }

  /** The term of entry `i`, or undefined when it was compacted away or does not exist yet. */
  term(i: number): number | undefined {
    if (i === this.snap.index) return this.snap.term;
    if (i < this.snap.index || i > this.lastIndex()) return undefined;
    return this.ents[i - this.snap.index - 1].term;
  }

  matchTerm(i: number, term: number): boolean {
    return this.term(i) === term;
  }

  /** Raft's "at least as up-to-date" rule (§5.4.1): higher last term wins, then the longer log. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  all(): readonly Entry[] {
    return this.ents;
  }

  /**
   * Entries in [lo, hi) limited to `maxBytes` (always at least one entry).
   * Throws Compacted when lo is before the first index.
   */
  slice(lo: number, hi: number, maxBytes = Infinity): Entry[] {
    if (lo < this.firstIndex()) throw new RaftError('Compacted', `index ${lo} is compacted`);
    hi = Math.min(hi, this.lastIndex() + 1);
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = lo; i < hi; i++) {
      const e = this.ents[i - this.snap.index - 1];
      bytes += entrySize(e);
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(e);
    }
    return out;
  }

  unstableEntries(): Entry[] {
    return this.ents.slice(this.stabled - this.snap.index);
  }

  /** Committed entries not yet handed out for applying (none while a snapshot awaits install). */
  nextCommittedEntries(maxBytes = Infinity): Entry[] {
    if (this.pendingSnapshot) return [];
    const lo = Math.max(this.applying + 1, this.firstIndex());
    const hi = this.committed + 1;
    return lo < hi ? this.slice(lo, hi, maxBytes) : [];
  }

  hasNextCommittedEntries(): boolean {
    return !this.pendingSnapshot && this.committed > this.applying;
  }

  /**
   * The follower side of AppendEntries: if our entry at prevIndex has prevTerm, append
   * what is new (truncating a conflicting suffix), advance commit, and return the index
   * of the last entry now known to match the leader. Otherwise undefined.
   */
  maybeAppend(prevIndex: number, prevTerm: number, commit: number, entries: readonly Entry[]): number | undefined {
    if (!this.matchTerm(prevIndex, prevTerm)) return undefined;
    const lastNew = prevIndex + entries.length;
    const conflict = this.findConflict(entries);
    if (conflict !== 0) {
      if (conflict <= this.committed) {
        throw new Error(`entry ${conflict} conflicts with committed entry (committed ${this.committed})`);
      }
      this.append(entries.slice(conflict - (prevIndex + 1)));
    }
    this.commitTo(Math.min(commit, lastNew));
    return lastNew;
  }

  /** The first index at which `entries` disagrees with the log, or 0 if the log already holds them all. */
  private findConflict(entries: readonly Entry[]): number {
    for (const e of entries) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * The largest index <= `index` whose term is <= `term`: where the leader should probe
   * next after a rejection, skipping whole terms at once (etcd's fast backtracking).
   */
  findConflictByTerm(index: number, term: number): number {
    for (let i = Math.min(index, this.lastIndex()); i >= this.snap.index; i--) {
      const t = this.term(i);
      if (t === undefined || t <= term) return i;
    }
    return this.snap.index;
  }

  /** Appends entries, replacing any existing entries at or after the first one's index. */
  append(entries: readonly Entry[]): number {
    if (entries.length === 0) return this.lastIndex();
    const first = entries[0].index;
    if (first <= this.committed) throw new Error(`append at ${first} would overwrite committed ${this.committed}`);
    if (first > this.lastIndex() + 1) throw new Error(`append at ${first} leaves a gap after ${this.lastIndex()}`);
    this.ents.length = first - this.snap.index - 1;
    for (const e of entries) this.ents.push(e);
    // What was persisted past the truncation point no longer matches the log.
    if (this.stabled >= first) this.stabled = first - 1;
    return this.lastIndex();
  }

  commitTo(index: number): void {
    if (index <= this.committed) return;
    if (index > this.lastIndex()) throw new Error(`commit ${index} is past the last index ${this.lastIndex()}`);
    this.committed = index;
  }

  /**
   * The leader's commit rule (§5.4.2): only an entry of the current term is committed by
   * counting replicas; earlier entries are committed indirectly with it.
   */
  maybeCommit(index: number, term: number): boolean {
    if (index > this.committed && this.term(index) === term) {
      this.commitTo(index);
      return true;
    }
    return false;
  }

  appliedTo(index: number): void {
    if (index === 0) return;
    if (index > this.committed || index < this.applied) {
      throw new Error(`applied ${index} outside [${this.applied}, ${this.committed}]`);
    }
    this.applied = index;
    if (this.applying < index) this.applying = index;
  }

  stableTo(index: number, term: number): void {
    if (index > this.stabled && this.matchTerm(index, term)) this.stabled = index;
  }

  /** Replaces the whole log with a snapshot from the leader. */
  restore(s: Snapshot): void {
    this.snap = s.metadata;
    this.snapWithData = s;
    this.ents = [];
    this.pendingSnapshot = s;
    this.committed = s.metadata.index;
    this.stabled = s.metadata.index;
  }

  /** The application installed the pending snapshot. */
  snapshotInstalled(index: number): void {
    if (this.pendingSnapshot?.metadata.index !== index) return;
    this.pendingSnapshot = undefined;
    this.applied = Math.max(this.applied, index);
    this.applying = Math.max(this.applying, index);
  }

  /** Drops entries up to `s.metadata.index`, which must be applied and stable. */
  compact(s: Snapshot): void {
    const index = s.metadata.index;
    if (index <= this.snap.index) return;
    if (index > this.applied || index > this.stabled) {
      throw new Error(`cannot compact to ${index}: applied ${this.applied}, stabled ${this.stabled}`);
    }
    this.ents = this.ents.slice(index - this.snap.index);
    this.snap = s.metadata;
    this.snapWithData = s;
  }
}
