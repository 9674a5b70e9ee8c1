import type { Entry, Message, NodeId, RestoredState } from '../../src/core/index.js';

/** A Raft safety or liveness property was violated; the message says which and where. */
export class InvariantViolation extends Error {
  constructor(
    readonly property: string,
    message: string,
  ) {
    super(`${property}: ${message}`);
    this.name = 'InvariantViolation';
  }
}

/** What the checkers need to see of a node. */
export interface NodeView {
  readonly id: NodeId;
  readonly term: number;
  readonly isLeader: boolean;
  readonly commit: number;
  /** Entries in the log (after the snapshot). */
  readonly entries: readonly Entry[];
  readonly snapshotIndex: number;
}

export function sameEntry(a: Entry, b: Entry): boolean {
  if (a === b) return true;
  if (a.term !== b.term || a.index !== b.index || a.type !== b.type || a.data.byteLength !== b.data.byteLength) return false;
  for (let i = 0; i < a.data.byteLength; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

/**
 * Raft's safety properties (Figure 3 of the paper), checked against everything the
 * simulation has seen so far: the history is kept here, so a violation is caught even
 * if the offending state has since been overwritten.
 */
export class SafetyChecker {
  /** Election safety: the one leader of each term, over the whole run. */
  private readonly leaders = new Map<number, NodeId>();
  /** Every entry known to be committed, by index. */
  private readonly committed = new Map<number, Entry>();
  /**
   * The lowest term in which each index was seen committed: never below the term that
   * really committed it, so leader completeness, which binds leaders of later terms
   * only, is never checked against a leader it does not bind (a deposed leader of an
   * older term may still think it leads, without entries its successors committed).
   */
  private readonly commitTerm = new Map<number, number>();
  private maxCommitted = 0;
  /** State-machine safety: the command applied at each index. */
  private readonly applied = new Map<number, string>();

  /** Checks one node's current state; call whenever a node's state may have changed. */
  observe(n: NodeView): void {
    if (n.isLeader) this.checkElection(n);
    this.recordCommitted(n);
    if (n.isLeader) this.checkLeaderCompleteness(n);
  }

  /** Call after every step with every running node. */
  check(nodes: readonly NodeView[]): void {
    for (const n of nodes) this.observe(n);
    this.checkLogMatching(nodes);
  }

  checkElection(n: NodeView): void {
    const other = this.leaders.get(n.term);
    if (other !== undefined && other !== n.id) {
      throw new InvariantViolation('election safety', `${other} and ${n.id} were both leaders in term ${n.term}`);
    }
    this.leaders.set(n.term, n.id);
  }

  /** Entries up to a node's commit index are committed; once committed, an index never changes. */
  recordCommitted(n: NodeView): void {
    const top = Math.min(n.commit, n.snapshotIndex + n.entries.length);
    for (let i = n.snapshotIndex + 1; i <= top; i++) {
      const e = n.entries[i - n.snapshotIndex - 1];
      const known = this.committed.get(i);
      const seenIn = this.commitTerm.get(i);
      if (seenIn === undefined || n.term < seenIn) this.commitTerm.set(i, n.term);
      if (!known) {
        this.committed.set(i, e);
        if (i > this.maxCommitted) this.maxCommitted = i;
      } else if (!sameEntry(known, e)) {
        throw new InvariantViolation('state-machine safety', `${n.id} committed a different entry at ${i} (term ${e.term} vs ${known.term})`);
      }
    }
  }

  /** Leader completeness: a leader's log holds every entry committed in an earlier term (those it has not compacted). */
  checkLeaderCompleteness(n: NodeView): void {
    const last = n.snapshotIndex + n.entries.length;
    for (let i = n.snapshotIndex + 1; i <= this.maxCommitted; i++) {
      const want = this.committed.get(i);
      if (!want || this.commitTerm.get(i)! >= n.term) continue;
      const have = i <= last ? n.entries[i - n.snapshotIndex - 1] : undefined;
      if (!have || !sameEntry(have, want)) {
        throw new InvariantViolation('leader completeness', `leader ${n.id} of term ${n.term} lacks entry ${i} (term ${want.term}) committed in an earlier term`);
      }
    }
  }

  /** Log matching: if two logs hold an entry with the same index and term, they are identical up to it. */
  checkLogMatching(nodes: readonly NodeView[]): void {
    for (let a = 0; a < nodes.length; a++) {
      for (let b = a + 1; b < nodes.length; b++) matchLogs(nodes[a], nodes[b]);
    }
  }

  /** State-machine safety at the application: no two nodes apply different commands at one index. */
  recordApplied(node: NodeId, index: number, command: string): void {
    const known = this.applied.get(index);
    if (known === undefined) this.applied.set(index, command);
    else if (known !== command) {
      throw new InvariantViolation('state-machine safety', `${node} applied "${command}" at ${index} where another node applied "${known}"`);
    }
  }

  /** A state machine restored from a snapshot must agree with everything applied elsewhere. */
  checkStateMachine(node: NodeId, commands: ReadonlyMap<number, string>): void {
    for (const [index, command] of commands) this.recordApplied(node, index, command);
  }

  get highestCommitted(): number {
    return this.maxCommitted;
  }
}

function matchLogs(x: NodeView, y: NodeView): void {
  const lo = Math.max(x.snapshotIndex, y.snapshotIndex) + 1;
  const xs = x.entries;
  const ys = y.entries;
  const xOff = x.snapshotIndex + 1;
  const yOff = y.snapshotIndex + 1;
  const hi = Math.min(xOff + xs.length - 1, yOff + ys.length - 1);
  // The highest common index with equal terms: everything from lo up to it must be identical.
  let top = hi;
  while (top >= lo && xs[top - xOff].term !== ys[top - yOff].term) top--;
  for (let i = lo; i <= top; i++) {
    if (!sameEntry(xs[i - xOff], ys[i - yOff])) {
      throw new InvariantViolation('log matching', `${x.id} and ${y.id} agree on index ${top} (term ${xs[top - xOff].term}) but differ at ${i}`);
    }
  }
}

/**
 * Persist before send: what a message promises must already be on the sender's disk
 * (synced), or a crash could make the sender break the promise. A granted vote needs the
 * vote (or a later term); an acknowledged append needs the entries; any message of a term
 * needs that term. A Ready persists the state after all the steps that made its messages.
 */
export function checkPersistedBeforeSend(m: Message, durable: RestoredState): void {
  const hs = durable.hardState;
  const fail = (what: string) => {
    throw new InvariantViolation('persist before send', `${m.from} sent ${m.type} (term ${m.term}) to ${m.to} before syncing ${what}`);
  };
  // A pre-vote speaks of a future term; forwarded proposals and reads carry none.
  if (m.type !== 'preVote' && m.type !== 'preVoteResp' && m.term > hs.term) fail(`term ${m.term} (disk has ${hs.term})`);
  // A later term on disk keeps the promise too: the sender can no longer vote in m.term.
  if (m.type === 'voteResp' && !m.reject && hs.term === m.term && hs.vote !== m.to) fail(`its vote (disk has ${hs.vote || 'none'} in ${hs.term})`);
  // Only a leader of a later term may have replaced the acknowledged entries since, as it
  // could have done right after a sync; in the same term the acknowledged log must be on disk.
  if (m.type === 'appResp' && !m.reject && hs.term === m.term) {
    const last = durable.entries.length > 0 ? durable.entries[durable.entries.length - 1].index : (durable.snapshot?.metadata.index ?? 0);
    if (m.index > last) fail(`the log up to ${m.index} (disk has up to ${last})`);
  }
}
