import type { NodeId } from '../../src/core/index.js';
import { InvariantViolation } from './checkers.js';

interface AwaitedRead {
  readonly context: string;
  readonly index: number;
  readonly ackedAtStart: number;
}

/**
 * What clients were told: which commands were acknowledged, at which index, and which
 * reads they asked for. From it follow two checks: a read never misses a write
 * acknowledged before the read began, and no acknowledged write is ever lost.
 */
export class ClientHistory {
  private readonly proposedBy = new Map<string, NodeId>();
  /** The index at which each acknowledged command was applied. */
  readonly acked = new Map<string, number>();
  /** The highest index acknowledged to any client so far. */
  private highestAcked = 0;
  /** Reads asked for and not answered yet: the highest acknowledged index when each began. */
  private readonly requested = new Map<string, { node: NodeId; ackedAtStart: number }>();
  /** Answered reads waiting for their node to apply up to the read index. */
  private readonly awaiting = new Map<NodeId, AwaitedRead[]>();
  readsDone = 0;

  proposed(command: string, node: NodeId): void {
    this.proposedBy.set(command, node);
  }

  /** A node applied `command` at `index`; the client that proposed it through that node is answered now. */
  applied(node: NodeId, index: number, command: string): void {
    if (this.proposedBy.get(command) !== node || this.acked.has(command)) return;
    this.acked.set(command, index);
    if (index > this.highestAcked) this.highestAcked = index;
  }

  readRequested(context: string, node: NodeId): void {
    this.requested.set(context, { node, ackedAtStart: this.highestAcked });
  }

  /** The core answered a read with `index`; it completes once the node has applied that far. */
  readAnswered(node: NodeId, context: string, index: number, appliedIndex: number): void {
    const req = this.requested.get(context);
    if (!req || req.node !== node) return;
    this.requested.delete(context);
    const read = { context, index, ackedAtStart: req.ackedAtStart };
    if (index <= appliedIndex) this.finish(node, read);
    else {
      const list = this.awaiting.get(node);
      if (list) list.push(read);
      else this.awaiting.set(node, [read]);
    }
  }

  /** The node's state machine reached `appliedIndex`: reads waiting for it complete. */
  caughtUp(node: NodeId, appliedIndex: number): void {
    const list = this.awaiting.get(node);
    if (!list || list.length === 0) return;
    const waiting: AwaitedRead[] = [];
    for (const r of list) {
      if (r.index <= appliedIndex) this.finish(node, r);
      else waiting.push(r);
    }
    this.awaiting.set(node, waiting);
  }

  /** A crash loses the node's pending reads: their clients get an error. */
  forget(node: NodeId): void {
    this.awaiting.delete(node);
    for (const [context, req] of this.requested) if (req.node === node) this.requested.delete(context);
  }

  private finish(node: NodeId, read: AwaitedRead): void {
    checkRead(read.index, read.ackedAtStart, `${node} (read ${read.context})`);
    this.readsDone++;
  }

  /** Durability: every acknowledged command is in the given state machine, at the index it was acknowledged at. */
  checkDurability(node: NodeId, commands: ReadonlyMap<number, string>): void {
    for (const [command, index] of this.acked) {
      const found = commands.get(index);
      if (found !== command) {
        throw new InvariantViolation('durability', `"${command}" was acknowledged at index ${index} but ${node} has ${found === undefined ? 'nothing' : `"${found}"`} there`);
      }
    }
  }
}

/**
 * Linearizable reads: a read that returns index i must reflect every write acknowledged
 * before the read began, i.e. i >= the index of each such write.
 */
export function checkRead(readIndex: number, highestAckedBeforeStart: number, who: string): void {
  if (readIndex < highestAckedBeforeStart) {
    throw new InvariantViolation('linearizable read', `${who} answered a read with index ${readIndex}, missing a write acknowledged at ${highestAckedBeforeStart}`);
  }
}
