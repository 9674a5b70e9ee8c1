import type { Message, NodeId } from '../../src/core/index.js';
import type { Prng } from './prng.js';

export interface NetworkFaults {
  /** Probability of losing a message. */
  loss: number;
  /** Probability of delivering a message twice. */
  duplicate: number;
  /** Delivery delay in ticks, uniform in [0, maxDelay]; different delays reorder messages. */
  maxDelay: number;
}

interface InFlight {
  readonly at: number;
  readonly seq: number;
  readonly m: Message;
}

/**
 * The simulated network: every message gets a delivery tick; loss, duplication and
 * random delays (hence reordering) come from the seeded source. Links can be cut one
 * way (`from` cannot reach `to`), which also makes symmetric partitions.
 */
export class Network {
  faults: NetworkFaults = { loss: 0, duplicate: 0, maxDelay: 1 };
  private inFlight: InFlight[] = [];
  private readonly cut = new Set<string>();
  private seq = 0;
  delivered = 0;
  dropped = 0;

  constructor(private readonly rng: Prng) {}

  /** Queues `m` for delivery; returns false if it was lost on the way out. */
  send(m: Message, now: number): boolean {
    if (this.cut.has(link(m.from, m.to)) || this.rng.chance(this.faults.loss)) {
      this.dropped++;
      return false;
    }
    const copies = this.rng.chance(this.faults.duplicate) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      this.inFlight.push({ at: now + this.rng.int(0, this.faults.maxDelay), seq: this.seq++, m });
    }
    return true;
  }

  /** Messages due at `now`, in a deterministic order (delivery tick, then send order). */
  due(now: number): Message[] {
    const ready = this.inFlight.filter((f) => f.at <= now);
    if (ready.length === 0) return [];
    this.inFlight = this.inFlight.filter((f) => f.at > now);
    ready.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const out: Message[] = [];
    for (const f of ready) {
      // A link cut while the message was in flight loses it.
      if (this.cut.has(link(f.m.from, f.m.to))) this.dropped++;
      else out.push(f.m);
    }
    this.delivered += out.length;
    return out;
  }

  /** Splits the nodes into two sides that cannot talk to each other. */
  partition(sideA: readonly NodeId[], sideB: readonly NodeId[]): void {
    for (const a of sideA) {
      for (const b of sideB) {
        this.cut.add(link(a, b));
        this.cut.add(link(b, a));
      }
    }
  }

  /** `from` can no longer reach `to`; the other way still works. */
  cutOneWay(from: NodeId, to: NodeId): void {
    this.cut.add(link(from, to));
  }

  heal(): void {
    this.cut.clear();
  }

  get partitioned(): boolean {
    return this.cut.size > 0;
  }

  /** Drops everything addressed to or sent by a crashed node. */
  forget(id: NodeId): void {
    this.inFlight = this.inFlight.filter((f) => f.m.to !== id && f.m.from !== id);
  }
}

function link(from: NodeId, to: NodeId): string {
  return `${from}>${to}`;
}
