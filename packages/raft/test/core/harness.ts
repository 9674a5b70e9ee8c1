import { expect } from 'chai';
import {
  EntryType,
  RaftCore,
  RaftError,
  StateRole,
  bootstrapState,
  decodeConfChange,
  type ConfChange,
  type Entry,
  type HardState,
  type Message,
  type NodeId,
  type RaftConfig,
  type RaftErrorCode,
  type ReadState,
  type Ready,
  type RestoredState,
  type Snapshot,
} from '../../src/core/index.js';

/**
 * A deterministic harness for the pure Raft core: a cluster of RaftCores whose network,
 * clock and disks are in the test's hands. Every Ready is handled the way an application
 * must (persist, send, apply, advance), and every applied entry is checked against every
 * other node's (State Machine Safety), so each test also checks that property.
 */

/** mulberry32: a tiny seeded PRNG, so election timeouts are the same on every run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Entries 1..n (or from `from`) with the given terms; the data names index and term. */
export function entries(terms: readonly number[], from = 1): Entry[] {
  return terms.map((term, i) => ({ term, index: from + i, type: EntryType.Normal, data: enc(`i${from + i}t${term}`) }));
}

/** Runs `fn` and returns the RaftError code it throws, or 'ok'. Other errors propagate. */
export function raftErrorCode(fn: () => void): RaftErrorCode | 'ok' {
  try {
    fn();
  } catch (err) {
    if (err instanceof RaftError) return err.code;
    throw err;
  }
  return 'ok';
}

/** Asserts that `fn` throws a RaftError with `code`. */
export function expectRaftError(fn: () => void, code: RaftErrorCode): void {
  expect(raftErrorCode(fn)).to.equal(code);
}

export type Filter = (m: Message) => boolean;

/** What a node has on its disk: exactly what it persisted from its Readys. */
export interface NodeStorage {
  hardState: HardState;
  entries: Entry[];
  snapshot: Snapshot | undefined;
}

/** An application command as the state machine applied it. */
export interface AppliedCommand {
  readonly index: number;
  readonly command: string;
}

/** One member: its core, its disk, and the state machine it applies to. */
export class TestNode {
  core!: RaftCore;
  /** Commands applied (no-ops and conf changes left out), rebuilt from the snapshot after a restart. */
  applied: AppliedCommand[] = [];
  /** Membership changes applied since the last start. */
  confChanges: ConfChange[] = [];
  readStates: ReadState[] = [];
  /** False between crash() and restart(): it neither ticks nor exchanges messages. */
  up = true;

  constructor(
    readonly id: NodeId,
    readonly storage: NodeStorage,
    private readonly config: RaftConfig,
    private readonly confState: RestoredState['confState'],
  ) {
    this.start();
  }

  /** The commands applied so far, in order. */
  get commands(): string[] {
    return this.applied.map((c) => c.command);
  }

  /** Builds the core from what is on disk, as a process start does. */
  start(): void {
    const s = this.storage;
    this.applied = s.snapshot ? (JSON.parse(dec(s.snapshot.data)) as AppliedCommand[]) : [];
    this.confChanges = [];
    this.readStates = [];
    this.core = new RaftCore(this.config, {
      hardState: s.hardState,
      snapshot: s.snapshot,
      entries: [...s.entries],
      confState: this.confState,
    });
    this.up = true;
  }

  /** The application's side of the Ready protocol, minus sending. */
  persist(rd: Ready): void {
    if (rd.hardState) this.storage.hardState = rd.hardState;
    if (rd.snapshot) {
      // A leader's snapshot replaces the whole log (the core's log is empty after it).
      this.storage.snapshot = rd.snapshot;
      this.storage.entries = [];
    }
    if (rd.entries.length > 0) {
      const first = rd.entries[0].index;
      const base = this.storage.snapshot?.metadata.index ?? 0;
      const kept = this.storage.entries.filter((e) => e.index < first);
      if (first !== base + kept.length + 1) throw new Error(`${this.id}: Ready entries at ${first} leave a gap in storage`);
      this.storage.entries = [...kept, ...rd.entries];
    }
  }

  /** A snapshot of the state machine as of `index`. */
  snapshotData(index: number): Uint8Array {
    return enc(JSON.stringify(this.applied.filter((c) => c.index <= index)));
  }
}

export interface ClusterOptions {
  readonly voters: readonly NodeId[];
  /** Learners of the fixed membership (not with bootstrap). */
  readonly learners?: readonly NodeId[];
  /** Applied to every node; id and random are filled in per node. */
  readonly config?: Partial<RaftConfig>;
  readonly seed?: number;
  /** Start from bootstrapState (the membership in the log) instead of a fixed confState. */
  readonly bootstrap?: boolean;
  /** A starting disk per node: the term of each entry from index 1, and the hard state. */
  readonly logs?: Readonly<Record<NodeId, { terms: readonly number[]; term: number; vote?: NodeId; commit?: number }>>;
}

/**
 * A cluster with a test-controlled network: messages wait in a queue until the test
 * delivers them. Links can be cut per direction; nodes can crash and restart.
 */
export class Cluster {
  readonly nodes = new Map<NodeId, TestNode>();
  /** Messages sent and not yet delivered or dropped. */
  queue: Message[] = [];
  /** Every message ever handed out in a Ready, in order. */
  readonly sent: Message[] = [];
  /** Every message delivered, in order. */
  readonly delivered: Message[] = [];
  private readonly cut = new Set<string>();
  /**
   * Whether deliverAll/deliverMatching tell the sender how a MsgSnap fared, as a
   * transport must (reportSnapshot); tests of that call turn it off.
   */
  reportSnapshots = true;
  private readonly rng: () => number;
  /** What was applied at each index by anyone: all nodes must agree. */
  private readonly appliedAt = new Map<number, string>();

  constructor(private readonly opts: ClusterOptions) {
    this.rng = mulberry32(opts.seed ?? 1);
    const learners = opts.learners ?? [];
    if (opts.bootstrap && learners.length > 0) throw new Error('bootstrap founds voters only; add learners by conf change');
    for (const id of [...opts.voters, ...learners]) {
      const given = opts.logs?.[id];
      let restored: RestoredState;
      if (opts.bootstrap) restored = bootstrapState(opts.voters.map((v) => ({ id: v })));
      else if (given) {
        restored = {
          hardState: { term: given.term, vote: given.vote ?? '', commit: given.commit ?? 0 },
          entries: entries(given.terms),
        };
      } else restored = { hardState: { term: 0, vote: '', commit: 0 }, entries: [] };
      const confState = opts.bootstrap ? undefined : { voters: [...opts.voters], learners: [...learners] };
      this.addNodeWith(id, restored, confState);
    }
    this.flush();
  }

  /** A brand-new, empty node (to be added to the membership by a conf change). */
  addNode(id: NodeId): TestNode {
    const n = this.addNodeWith(id, { hardState: { term: 0, vote: '', commit: 0 }, entries: [] }, undefined);
    this.flush();
    return n;
  }

  private addNodeWith(id: NodeId, restored: RestoredState, confState: RestoredState['confState']): TestNode {
    const seed = Math.floor(this.rng() * 2 ** 32);
    const config: RaftConfig = {
      electionTick: 10,
      heartbeatTick: 1,
      ...this.opts.config,
      random: mulberry32(seed),
      id,
    };
    const storage: NodeStorage = { hardState: restored.hardState, entries: [...restored.entries], snapshot: restored.snapshot };
    const n = new TestNode(id, storage, config, confState);
    this.nodes.set(id, n);
    return n;
  }

  node(id: NodeId): TestNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  core(id: NodeId): RaftCore {
    return this.node(id).core;
  }

  /** The leaders among live nodes. */
  leaders(): NodeId[] {
    return [...this.nodes.values()].filter((n) => n.up && n.core.role === StateRole.Leader).map((n) => n.id);
  }

  // ---- the Ready loop ------------------------------------------------------------------

  /** Handles every pending Ready of every live node: persist, queue messages, apply, advance. */
  flush(): void {
    for (let busy = true; busy; ) {
      busy = false;
      for (const n of this.nodes.values()) {
        while (n.up && n.core.hasReady()) {
          busy = true;
          const rd = n.core.ready();
          n.persist(rd);
          this.queue.push(...rd.messages);
          this.sent.push(...rd.messages);
          if (rd.snapshot) n.applied = JSON.parse(dec(rd.snapshot.data)) as AppliedCommand[];
          for (const e of rd.committedEntries) this.apply(n, e);
          n.readStates.push(...rd.readStates);
          n.core.advance(rd);
        }
      }
    }
  }

  private apply(n: TestNode, e: Entry): void {
    const last = n.applied.at(-1)?.index ?? 0;
    if (e.index <= last) throw new Error(`${n.id} applied ${e.index} again (after ${last})`);
    const what = `${e.term}/${e.type}/${dec(e.data)}`;
    const other = this.appliedAt.get(e.index);
    if (other !== undefined && other !== what) {
      throw new Error(`State Machine Safety violated at index ${e.index}: ${n.id} applied ${what}, another node ${other}`);
    }
    this.appliedAt.set(e.index, what);
    if (e.type === EntryType.ConfChange) n.confChanges.push(decodeConfChange(e.data));
    else if (e.data.length > 0) n.applied.push({ index: e.index, command: dec(e.data) });
  }

  // ---- the network ---------------------------------------------------------------------

  private linkUp(m: Message): boolean {
    const from = this.nodes.get(m.from);
    const to = this.nodes.get(m.to);
    return !!from?.up && !!to?.up && !this.cut.has(`${m.from}>${m.to}`);
  }

  /** Steps `m` into its recipient now, whatever the links say. */
  deliver(m: Message): void {
    this.delivered.push(m);
    this.core(m.to).step(m);
  }

  /** The queued messages (after handling Readys), optionally filtered. */
  pending<M extends Message>(filter: (m: Message) => m is M): M[];
  pending(filter?: Filter): Message[];
  pending(filter: Filter = () => true): Message[] {
    this.flush();
    return this.queue.filter(filter);
  }

  /** Removes and returns the queued messages that match. */
  take<M extends Message>(filter: (m: Message) => m is M): M[];
  take(filter: Filter): Message[];
  take(filter: Filter): Message[] {
    this.flush();
    const taken = this.queue.filter(filter);
    this.queue = this.queue.filter((m) => !filter(m));
    return taken;
  }

  /** Drops every queued message. */
  clearQueue(): void {
    this.flush();
    this.queue = [];
  }

  /**
   * Delivers queued messages until the network is quiet. Messages that fail `filter` or
   * travel a cut link are dropped; `rewrite` may alter a message in flight.
   */
  deliverAll(filter: Filter = () => true, rewrite: (m: Message) => Message = (m) => m): void {
    this.flush();
    for (let round = 0; this.queue.length > 0; round++) {
      if (round > 10_000) throw new Error('the network never went quiet');
      const batch = this.queue;
      this.queue = [];
      for (const m of batch) this.send(m, filter(m) && this.linkUp(m), rewrite);
      this.flush();
    }
  }

  /** Like deliverAll, but messages that fail `filter` stay queued instead of being dropped. */
  deliverMatching(filter: Filter): void {
    this.flush();
    for (let round = 0; ; round++) {
      if (round > 10_000) throw new Error('the network never went quiet');
      const batch = this.queue.filter(filter);
      if (batch.length === 0) return;
      this.queue = this.queue.filter((m) => !filter(m));
      for (const m of batch) this.send(m, this.linkUp(m));
      this.flush();
    }
  }

  private send(m: Message, arrives: boolean, rewrite: (m: Message) => Message = (x) => x): void {
    if (arrives) this.deliver(rewrite(m));
    if (m.type === 'snap' && this.reportSnapshots && this.nodes.get(m.from)?.up) this.core(m.from).reportSnapshot(m.to, arrives);
  }

  /** Cuts the link from `from` to `to` (one direction). */
  cutLink(from: NodeId, to: NodeId): void {
    this.cut.add(`${from}>${to}`);
  }

  /** Cuts every link between `id` and the others, both ways. */
  isolate(id: NodeId): void {
    for (const other of this.nodes.keys()) {
      if (other === id) continue;
      this.cutLink(id, other);
      this.cutLink(other, id);
    }
  }

  /** Splits the cluster: no messages between different groups. */
  partition(...groups: readonly (readonly NodeId[])[]): void {
    for (const g of groups) {
      for (const h of groups) {
        if (g === h) continue;
        for (const a of g) for (const b of h) this.cutLink(a, b);
      }
    }
  }

  /** Restores every link. */
  heal(): void {
    this.cut.clear();
  }

  // ---- time, crashes, application actions ---------------------------------------------------

  tick(id: NodeId, n = 1): void {
    for (let i = 0; i < n; i++) this.core(id).tick();
  }

  /** Ticks every live node once and delivers until quiet, `n` times. */
  tickAll(n: number): void {
    for (let i = 0; i < n; i++) {
      for (const node of this.nodes.values()) if (node.up) node.core.tick();
      this.deliverAll();
    }
  }

  /** Campaigns `id` and delivers until quiet; it must win. */
  electLeader(id: NodeId): RaftCore {
    this.core(id).campaign();
    this.deliverAll();
    const core = this.core(id);
    if (core.role !== StateRole.Leader) throw new Error(`${id} did not win the election: ${core.role}`);
    return core;
  }

  /** Proposes on `id` and delivers until quiet. */
  propose(id: NodeId, command: string): void {
    this.core(id).propose(enc(command));
    this.deliverAll();
  }

  /**
   * The node stops: a Ready it had not handled yet (unpersisted state, unsent messages) is
   * lost, messages on their way to it are dropped, and it neither ticks nor talks.
   */
  crash(id: NodeId): void {
    this.node(id).up = false;
    this.queue = this.queue.filter((m) => m.to !== id);
  }

  /** The node starts again from its disk. */
  restart(id: NodeId): RaftCore {
    this.node(id).start();
    this.flush();
    return this.core(id);
  }

  /** The application snapshots `id` at `index` (default: applied) and drops the log before it. */
  compact(id: NodeId, index?: number): Snapshot {
    this.flush();
    const n = this.node(id);
    const at = index ?? n.core.applied;
    const snap = n.core.compact(at, n.snapshotData(at));
    n.storage.snapshot = snap;
    n.storage.entries = n.storage.entries.filter((e) => e.index > at);
    return snap;
  }

  /** The messages delivered since `mark` (a former `delivered.length`) that match. */
  deliveredSince<M extends Message>(mark: number, filter: (m: Message) => m is M): M[];
  deliveredSince(mark: number, filter?: Filter): Message[];
  deliveredSince(mark: number, filter: Filter = () => true): Message[] {
    return this.delivered.slice(mark).filter(filter);
  }

  /** Messages in `log` (default: delivered) matching `filter`. */
  count(filter: Filter, log: readonly Message[] = this.delivered): number {
    return log.filter(filter).length;
  }
}
