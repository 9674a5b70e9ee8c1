import {
  EntryType,
  RaftCore,
  RaftError,
  StateRole,
  decodeConfChange,
  type ConfChange,
  type Entry,
  type Message,
  type NodeId,
  type RaftConfig,
  type ReadState,
  type Ready,
  type RestoredState,
} from '../../src/core/index.js';
import { InvariantViolation } from './checkers.js';
import { SimDisk } from './disk.js';
import type { Prng } from './prng.js';
import { SimStateMachine } from './state-machine.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const ELECTION_TICK = 10;
export const HEARTBEAT_TICK = 1;

/** The Raft settings a run uses on every node (the rest of RaftConfig is per node). */
export type ClusterSettings = Omit<RaftConfig, 'id' | 'electionTick' | 'heartbeatTick' | 'random' | 'applied'>;

export interface SimNodeOptions {
  readonly settings: ClusterSettings;
  /** Take a snapshot once this many entries were applied since the last one. */
  readonly snapshotEvery: number;
  /**
   * A durable state machine survives a crash with everything it applied (like the kvstore's
   * LevelDB with its consistent index); otherwise it is rebuilt from the snapshot and the log.
   */
  readonly durableStateMachine: boolean;
}

/** What the node's application observed, reported to the scenario and the checkers. */
export interface SimNodeEvents {
  /** `command` is undefined for no-ops and conf changes; `replay` marks an entry the durable state machine already held. */
  applied(node: SimNode, index: number, command: string | undefined, replay: boolean): void;
  confApplied(node: SimNode, cc: ConfChange, index: number): void;
  readState(node: SimNode, rs: ReadState): void;
  send(node: SimNode, messages: readonly Message[]): void;
  /** After each Ready is handled: the checkers see every state the node passes through. */
  afterReady(node: SimNode, rd: Ready): void;
}

/**
 * One simulated server: a RaftCore, its disk and its state machine. It handles each
 * Ready the way RaftNode does, synchronously: persist, send, install the snapshot,
 * apply, advance; and it snapshots its state every so often.
 */
export class SimNode {
  core!: RaftCore;
  readonly disk = new SimDisk();
  up = false;
  /** Frozen (a long GC pause, a stalled disk) until this tick: no ticks, no messages read. */
  pausedUntil = 0;
  /** Stopped for good: it was removed from the cluster. */
  retired = false;
  sm = new SimStateMachine();
  snapshotsTaken = 0;
  snapshotsInstalled = 0;
  restarts = 0;

  constructor(
    readonly id: NodeId,
    private readonly rng: Prng,
    private readonly events: SimNodeEvents,
    readonly options: SimNodeOptions,
  ) {}

  /** Starts from what the disk holds (or from `initial` for a fresh founding member). */
  start(initial?: RestoredState): void {
    if (this.retired) throw new Error(`${this.id} was retired`);
    if (initial) this.disk.save({ hardState: initial.hardState, entries: initial.entries, snapshot: initial.snapshot }, true);
    const restored = this.disk.restore();
    const snap = restored.snapshot;
    if (!this.options.durableStateMachine || (snap && snap.metadata.index > this.sm.index)) {
      this.sm = snap ? SimStateMachine.decode(snap.data, snap.metadata.index) : new SimStateMachine();
    }
    const rng = this.rng.fork();
    this.core = new RaftCore(
      { ...this.options.settings, id: this.id, electionTick: ELECTION_TICK, heartbeatTick: HEARTBEAT_TICK, random: () => rng.next(), applied: this.sm.index },
      restored,
    );
    this.up = true;
  }

  crash(): void {
    this.up = false;
    this.pausedUntil = 0;
    this.disk.crash();
    this.restarts++;
  }

  retire(): void {
    this.up = false;
    this.retired = true;
  }

  get isLeader(): boolean {
    return this.up && this.core.role === StateRole.Leader;
  }

  /** Runs a client call against the core; false when the core refused it (RaftError). */
  tryInput(fn: (core: RaftCore) => void): boolean {
    try {
      fn(this.core);
      return true;
    } catch (err) {
      if (err instanceof RaftError) return false;
      throw err;
    }
  }

  propose(commands: readonly string[]): boolean {
    if (commands.length === 1) return this.tryInput((c) => c.propose(encoder.encode(commands[0])));
    return this.tryInput((c) => c.proposeBatch(commands.map((cmd) => encoder.encode(cmd))));
  }

  /** Handles Readys until there is nothing left to do. */
  process(): void {
    while (this.up && this.core.hasReady()) {
      const rd = this.core.ready();
      this.disk.save({ hardState: rd.hardState, entries: rd.entries, snapshot: rd.snapshot }, rd.mustSync);
      if (rd.messages.length > 0) this.events.send(this, rd.messages);
      if (rd.snapshot) this.installSnapshot(rd.snapshot.data, rd.snapshot.metadata.index);
      for (const e of rd.committedEntries) this.applyEntry(e);
      for (const rs of rd.readStates) this.events.readState(this, rs);
      this.core.advance(rd);
      this.events.afterReady(this, rd);
      if (!this.up) return;
      this.maybeSnapshot();
    }
  }

  private installSnapshot(data: Uint8Array, index: number): void {
    if (index < this.sm.index) {
      throw new InvariantViolation('state-machine safety', `${this.id} was told to install a snapshot at ${index}, behind its applied ${this.sm.index}`);
    }
    this.sm = SimStateMachine.decode(data, index);
    this.snapshotsInstalled++;
  }

  private applyEntry(e: Entry): void {
    if (!this.disk.holdsDurably(e)) {
      throw new InvariantViolation('persist before apply', `${this.id} was handed entry ${e.index} (term ${e.term}) to apply before it was synced`);
    }
    const command = e.type === EntryType.Normal && e.data.byteLength > 0 ? decoder.decode(e.data) : undefined;
    if (e.index <= this.sm.index) {
      // Handed out again after a restart: the durable state machine holds it already.
      if (command !== undefined) this.events.applied(this, e.index, command, true);
      return;
    }
    this.sm.apply(e.index, command);
    if (e.type === EntryType.ConfChange) {
      const cc = decodeConfChange(e.data);
      if (cc.type === 'removeNode') this.sm.remove(cc.nodeId, e.index);
      this.events.confApplied(this, cc, e.index);
    }
    this.events.applied(this, e.index, command, false);
  }

  /** Every `snapshotEvery` applied entries, snapshot at the applied index or, sometimes, below it. */
  private maybeSnapshot(): void {
    const first = this.core.snapshotMetadata().index;
    const applied = this.core.applied;
    if (applied - first < this.options.snapshotEvery) return;
    const at = this.rng.chance(0.3) ? this.rng.int(first + 1, applied) : applied;
    const snapshot = this.core.compact(at, this.sm.encode(at));
    this.disk.save({ entries: [], snapshot }, true);
    this.snapshotsTaken++;
  }
}
