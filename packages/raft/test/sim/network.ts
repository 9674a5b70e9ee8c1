import type { Message, NodeId } from '../../src/core/index.js';
import type { Prng } from './prng.js';

export interface NetworkFaults {
  /** Probability of losing a message. */
  readonly loss: number;
  /** Probability of delivering a message twice (each copy with its own delay). */
  readonly duplicate: number;
  /** Delivery delay in ticks, uniform in [0, maxDelay]; different delays reorder messages. */
  readonly maxDelay: number;
  /** Probability that a message is held back for up to `longDelay` ticks instead (a stalled connection). */
  readonly stall: number;
  readonly longDelay: number;
}

export const CALM: NetworkFaults = Object.freeze({ loss: 0, duplicate: 0, maxDelay: 1, stall: 0, longDelay: 0 });

/** What became of a message handed to the network. */
export type SendOutcome = 'queued' | 'lost' | 'cut';

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
  faults: NetworkFaults = CALM;
  private inFlight: InFlight[] = [];
  private readonly cut = new Set<string>();
  private seq = 0;
  delivered = 0;
  dropped = 0;

  constructor(private readonly rng: Prng) {}

  send(m: Message, now: number): SendOutcome {
    if (this.cut.has(link(m.from, m.to))) {
      this.dropped++;
      return 'cut';
    }
    const f = this.faults;
    if (this.rng.chance(f.loss)) {
      this.dropped++;
      return 'lost';
    }
    const copies = this.rng.chance(f.duplicate) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const delay = this.rng.chance(f.stall) ? this.rng.int(0, f.longDelay) : this.rng.int(0, f.maxDelay);
      this.inFlight.push({ at: now + delay, seq: this.seq++, m });
    }
    return 'queued';
  }

  /** Messages due at `now`, in a deterministic order (delivery tick, then send order). */
  due(now: number): Message[] {
    let any = false;
    for (const f of this.inFlight) {
      if (f.at <= now) {
        any = true;
        break;
      }
    }
    if (!any) return [];
    const ready = this.inFlight.filter((f) => f.at <= now);
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

  /** Holds `m` back until `at` (its receiver is paused and reads nothing meanwhile). */
  postpone(m: Message, at: number): void {
    this.inFlight.push({ at, seq: this.seq++, m });
  }

  /**
   * A crashed node's connections break: what was on its way to it is lost. What it sent
   * before crashing may still arrive, possibly after it has restarted.
   */
  disconnect(id: NodeId): void {
    this.inFlight = this.inFlight.filter((f) => f.m.to !== id);
  }
}

function link(from: NodeId, to: NodeId): string {
  return `${from}>${to}`;
}
