import {
  EntryType,
  RaftCore,
  StateRole,
  type Entry,
  type HardState,
  type Message,
  type NodeId,
  type RaftConfig,
  type ReadState,
  type Snapshot,
} from '../../src/core/index.js';
import { Prng } from '../sim/prng.js';

export const enc = (s: string) => new TextEncoder().encode(s);
export const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** One core with what it persisted and applied, as a test sees it. */
export class TestNode {
  core: RaftCore;
  hardState: HardState = { term: 0, vote: '', commit: 0 };
  stored: Entry[] = [];
  snapshot: Snapshot | undefined;
  /** Commands applied, in order (no-ops and conf changes left out). */
  applied: string[] = [];
  readStates: ReadState[] = [];

  constructor(
    readonly id: NodeId,
    private readonly make: (id: NodeId, node: TestNode) => RaftCore,
  ) {
    this.core = make(id, this);
  }

  /** A crash and restart from what this node persisted. */
  restart(): void {
    this.applied = [];
    this.readStates = [];
    this.core = this.make(this.id, this);
  }
}

type Filter = (m: Message) => boolean;

/**
 * A cluster of cores with the network in the test's hands: messages wait in `outbox`
 * until delivered, optionally filtered or dropped. Everything is synchronous and seeded.
 */
export class TestCluster {
  readonly nodes = new Map<NodeId, TestNode>();
  outbox: Message[] = [];
  /** Links that are down: messages on them are dropped when delivered. */
  private readonly isolated = new Set<NodeId>();
  readonly delivered: Message[] = [];

  constructor(
    ids: readonly NodeId[],
    private readonly config: Partial<RaftConfig> = {},
    seed = 1,
    learners: readonly NodeId[] = [],
  ) {
    const rng = new Prng(seed);
    for (const id of [...ids, ...learners]) {
      const r = rng.fork();
      this.nodes.set(
        id,
        new TestNode(id, (nid, node) =>
          new RaftCore(
            { electionTick: 10, heartbeatTick: 1, random: () => r.next(), ...this.config, id: nid },
            {
              hardState: node.hardState,
              snapshot: node.snapshot,
              entries: node.stored,
              confState: node.snapshot ? undefined : { voters: [...ids], learners: [...learners] },
            },
          ),
        ),
      );
    }
  }

  node(id: NodeId): TestNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  core(id: NodeId): RaftCore {
    return this.node(id).core;
  }

  /** Handles every pending Ready: persist, queue messages, apply, advance. */
  flush(): void {
    let busy = true;
    while (busy) {
      busy = false;
      for (const n of this.nodes.values()) {
        while (n.core.hasReady()) {
          busy = true;
          const rd = n.core.ready();
          if (rd.hardState) n.hardState = rd.hardState;
          if (rd.snapshot) {
            n.snapshot = rd.snapshot;
            n.stored = [];
            n.applied = JSON.parse(dec(rd.snapshot.data)) as string[];
          }
          if (rd.entries.length > 0) {
            const head = rd.entries[0].index;
            n.stored = [...n.stored.filter((e) => e.index < head), ...rd.entries];
          }
          this.outbox.push(...rd.messages);
          for (const e of rd.committedEntries) if (e.type === EntryType.Normal && e.data.length > 0) n.applied.push(dec(e.data));
          n.readStates.push(...rd.readStates);
          n.core.advance(rd);
        }
      }
    }
  }

  /**
   * Delivers queued messages (those passing `filter`, rewritten by `rewrite`) until the
   * network is quiet.
   */
  deliverAll(filter: Filter = () => true, rewrite: (m: Message) => Message = (m) => m, maxRounds = 1000): void {
    this.flush();
    for (let round = 0; round < maxRounds && this.outbox.length > 0; round++) {
      const batch = this.outbox;
      this.outbox = [];
      for (const m of batch) {
        if (!filter(m) || this.isolated.has(m.from) || this.isolated.has(m.to)) continue;
        const sent = rewrite(m);
        this.delivered.push(sent);
        this.nodes.get(m.to)?.core.step(sent);
      }
      this.flush();
    }
  }

  /** Takes (and removes) the queued messages matching `filter`. */
  take(filter: Filter): Message[] {
    this.flush();
    const taken = this.outbox.filter(filter);
    this.outbox = this.outbox.filter((m) => !filter(m));
    return taken;
  }

  isolate(id: NodeId): void {
    this.isolated.add(id);
  }

  heal(): void {
    this.isolated.clear();
  }

  tick(id: NodeId, n = 1): void {
    for (let i = 0; i < n; i++) this.core(id).tick();
  }

  /** Ticks every node, delivering messages after each tick. */
  tickAll(n: number): void {
    for (let i = 0; i < n; i++) {
      for (const node of this.nodes.values()) node.core.tick();
      this.deliverAll();
    }
  }

  /** Makes `id` the leader (campaign and deliver). */
  elect(id: NodeId): RaftCore {
    this.core(id).campaign();
    this.deliverAll();
    const c = this.core(id);
    if (c.role !== StateRole.Leader) throw new Error(`${id} did not win: ${c.role}`);
    return c;
  }

  propose(id: NodeId, command: string): void {
    this.core(id).propose(enc(command));
    this.deliverAll();
  }
}
