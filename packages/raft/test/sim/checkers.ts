import type { Entry, NodeId } from '../../src/core/index.js';

/** A Raft safety property was violated; the message says which and where. */
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

function sameEntry(a: Entry, b: Entry): boolean {
  if (a === b) return true;
  if (a.term !== b.term || a.type !== b.type || a.data.byteLength !== b.data.byteLength) return false;
  for (let i = 0; i < a.data.byteLength; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

/**
 * Raft's safety properties (Figure 3 of the paper), checked against everything the
 * simulation has seen so far: the history is kept here, so a violation is caught even
 * if the offending state has since been overwritten.
 */
export class SafetyChecker {
  /** Election safety: the one leader of each term. */
  private readonly leaders = new Map<number, NodeId>();
  /** Every entry known to be committed, by index. */
  private readonly committed = new Map<number, Entry>();
  /**
   * The earliest term in which each index was seen committed. Leader completeness binds
   * leaders of later terms only: a deposed leader of an older term may still think it
   * leads, without entries its successors committed.
   */
  private readonly commitTerm = new Map<number, number>();
  private maxCommitted = 0;
  /** State-machine safety: the command applied at each index. */
  private readonly applied = new Map<number, string>();

  /** Call after every step with every running node. */
  check(nodes: readonly NodeView[]): void {
    for (const n of nodes) {
      if (n.isLeader) this.checkElection(n);
      this.recordCommitted(n);
    }
    for (const n of nodes) if (n.isLeader) this.checkLeaderCompleteness(n);
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
    for (const e of n.entries) {
      if (e.index > n.commit) break;
      const known = this.committed.get(e.index);
      const seenIn = this.commitTerm.get(e.index);
      if (seenIn === undefined || n.term < seenIn) this.commitTerm.set(e.index, n.term);
      if (!known) {
        this.committed.set(e.index, e);
        if (e.index > this.maxCommitted) this.maxCommitted = e.index;
      } else if (!sameEntry(known, e)) {
        throw new InvariantViolation('state-machine safety', `${n.id} committed a different entry at ${e.index} (term ${e.term} vs ${known.term})`);
      }
    }
  }

  /** Leader completeness: a leader's log holds every committed entry (those it has not compacted). */
  checkLeaderCompleteness(n: NodeView): void {
    const byIndex = new Map(n.entries.map((e) => [e.index, e]));
    for (let i = n.snapshotIndex + 1; i <= this.maxCommitted; i++) {
      const want = this.committed.get(i);
      if (!want || this.commitTerm.get(i)! >= n.term) continue;
      const have = byIndex.get(i);
      if (!have || !sameEntry(have, want)) {
        throw new InvariantViolation('leader completeness', `leader ${n.id} of term ${n.term} lacks committed entry ${i}`);
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
  checkStateMachine(node: NodeId, applied: ReadonlyMap<number, string>): void {
    for (const [index, command] of applied) this.recordApplied(node, index, command);
  }

  get highestCommitted(): number {
    return this.maxCommitted;
  }

  committedEntry(index: number): Entry | undefined {
    return this.committed.get(index);
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
 * Linearizable reads: a read that returns index i must reflect every write acknowledged
 * before the read began, i.e. i >= the index of each such write.
 */
export function checkRead(readIndex: number, highestAckedBeforeStart: number, who: NodeId): void {
  if (readIndex < highestAckedBeforeStart) {
    throw new InvariantViolation('linearizable read', `${who} answered a read with index ${readIndex}, missing a write acknowledged at ${highestAckedBeforeStart}`);
  }
}
