import { EntryType, RaftCore, RaftError, StateRole, type Entry, type NodeId, type ReadState, type RestoredState } from '../../src/core/index.js';
import { SimDisk } from './disk.js';
import type { Prng } from './prng.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const ELECTION_TICK = 10;
export const HEARTBEAT_TICK = 1;

/** What the node's application observed, reported to the scenario and the checkers. */
export interface SimNodeEvents {
  applied(node: SimNode, index: number, command: string): void;
  readState(node: SimNode, rs: ReadState): void;
  send(node: SimNode, messages: ReturnType<RaftCore['ready']>['messages']): void;
}

/**
 * One simulated server: a RaftCore, its disk and its state machine (the list of applied
 * commands). It handles each Ready the way RaftNode does, synchronously: persist, send,
 * install the snapshot, apply, advance.
 */
export class SimNode {
  core!: RaftCore;
  readonly disk = new SimDisk();
  up = false;
  /** The state machine: applied commands by index (no-ops and conf changes leave no command). */
  applied = new Map<number, string>();
  appliedIndex = 0;
  snapshotsTaken = 0;
  snapshotsInstalled = 0;

  constructor(
    readonly id: NodeId,
    private readonly rng: Prng,
    private readonly events: SimNodeEvents,
    private readonly snapshotEvery: number,
  ) {}

  /** Starts from what the disk holds (or from `initial` for a fresh founding member). */
  start(initial?: RestoredState): void {
    if (initial) this.disk.save({ hardState: initial.hardState, entries: initial.entries, snapshot: initial.snapshot }, true);
    const restored = this.disk.restore();
    this.applied = new Map();
    this.appliedIndex = 0;
    if (restored.snapshot) this.installSnapshotData(restored.snapshot.data, restored.snapshot.metadata.index);
    const rng = this.rng.fork();
    this.core = new RaftCore(
      { id: this.id, electionTick: ELECTION_TICK, heartbeatTick: HEARTBEAT_TICK, random: () => rng.next(), applied: this.appliedIndex, maxSizePerMsg: 512, maxInflightMsgs: 8 },
      restored,
    );
    this.up = true;
  }

  crash(): void {
    this.up = false;
    this.disk.crash();
  }

  get isLeader(): boolean {
    return this.up && this.core.role === StateRole.Leader;
  }

  propose(command: string): boolean {
    return this.tryInput(() => this.core.propose(encoder.encode(command)));
  }

  tryInput(fn: () => void): boolean {
    try {
      fn();
      return true;
    } catch (err) {
      if (err instanceof RaftError) return false;
      throw err;
    }
  }

  /** Handles Readys until there is nothing left to do. */
  process(): void {
    while (this.up && this.core.hasReady()) {
      const rd = this.core.ready();
      this.disk.save({ hardState: rd.hardState, entries: rd.entries, snapshot: rd.snapshot }, rd.mustSync);
      if (rd.messages.length > 0) this.events.send(this, rd.messages);
      if (rd.snapshot) {
        this.installSnapshotData(rd.snapshot.data, rd.snapshot.metadata.index);
        this.snapshotsInstalled++;
      }
      for (const e of rd.committedEntries) this.applyEntry(e);
      for (const rs of rd.readStates) this.events.readState(this, rs);
      this.core.advance(rd);
      this.maybeSnapshot();
    }
  }

  private applyEntry(e: Entry): void {
    if (e.index <= this.appliedIndex) return;
    if (e.index !== this.appliedIndex + 1) throw new Error(`${this.id} applies ${e.index} after ${this.appliedIndex}: a gap`);
    this.appliedIndex = e.index;
    if (e.type === EntryType.Normal && e.data.byteLength > 0) {
      const command = decoder.decode(e.data);
      this.applied.set(e.index, command);
      this.events.applied(this, e.index, command);
    }
  }

  private maybeSnapshot(): void {
    const snapIndex = this.core.snapshotMetadata().index;
    if (this.appliedIndex - snapIndex < this.snapshotEvery) return;
    const data = encoder.encode(JSON.stringify([this.appliedIndex, [...this.applied]]));
    const snapshot = this.core.compact(this.appliedIndex, data);
    this.disk.save({ entries: [], snapshot }, true);
    this.snapshotsTaken++;
  }

  private installSnapshotData(data: Uint8Array, index: number): void {
    const [at, applied] = JSON.parse(decoder.decode(data)) as [number, [number, string][]];
    if (at !== index) throw new Error(`${this.id}: snapshot data at ${at} labelled ${index}`);
    this.applied = new Map(applied);
    this.appliedIndex = index;
  }
}
