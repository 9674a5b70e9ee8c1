import type { Entry, HardState, RestoredState, Snapshot } from '../core/index.js';

export interface SaveRequest {
  readonly hardState?: HardState;
  /** Entries to store; an entry at an index already stored replaces it and every entry after it. */
  readonly entries: readonly Entry[];
  /** A snapshot to keep; the log up to its index is dropped (all of it, if the log does not match it). */
  readonly snapshot?: Snapshot;
}

/** Stable storage for one Raft node. */
export interface LogStorage {
  /** Opens the store and returns what was last saved (an empty state for a new node). */
  open(): Promise<RestoredState>;
  /** Saves atomically; when `sync` is true it is durable once the promise resolves. */
  save(req: SaveRequest, sync: boolean): Promise<void>;
  close(): Promise<void>;
}
