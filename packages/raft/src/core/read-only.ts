import type { NodeId } from './types.js';

/** A ReadIndex request waiting for a heartbeat round to confirm leadership. */
interface PendingRead {
  readonly index: number;
  /** Who asked: the leader itself, or the follower that forwarded it. */
  readonly from: NodeId;
  readonly context: string;
  readonly acks: Set<NodeId>;
}

/**
 * Safe ReadIndex (§6.4): the leader records its commit index when a read arrives and
 * answers once a quorum has acknowledged a heartbeat sent after that, proving it was
 * still the leader. Acknowledging a later request acknowledges every earlier one.
 */
export class ReadOnlyQueue {
  private readonly pending = new Map<string, PendingRead>();
  private queue: string[] = [];

  add(index: number, from: NodeId, context: string): boolean {
    if (this.pending.has(context)) return false;
    this.pending.set(context, { index, from, context, acks: new Set() });
    this.queue.push(context);
    return true;
  }

  /** Records an ack; returns the set of acks for the context, or undefined if unknown. */
  recvAck(from: NodeId, context: string): ReadonlySet<NodeId> | undefined {
    const p = this.pending.get(context);
    if (!p) return undefined;
    p.acks.add(from);
    return p.acks;
  }

  /** Removes and returns every request up to and including `context`, in order. */
  advance(context: string): { index: number; from: NodeId; context: string }[] {
    const at = this.queue.indexOf(context);
    if (at < 0) return [];
    const done = this.queue.slice(0, at + 1);
    this.queue = this.queue.slice(at + 1);
    return done.map((c) => {
      const p = this.pending.get(c)!;
      this.pending.delete(c);
      return { index: p.index, from: p.from, context: p.context };
    });
  }

  lastContext(): string {
    return this.queue.length > 0 ? this.queue[this.queue.length - 1] : '';
  }

  size(): number {
    return this.queue.length;
  }
}
