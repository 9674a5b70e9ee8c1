import type { ConfChange, Snapshot } from '../core/index.js';

/** A committed entry as the application sees it: the RaftNode framing removed. */
export interface AppliedEntry {
  readonly index: number;
  readonly term: number;
  /** 'noop' is a new leader's empty entry; it still advances the applied index. */
  readonly kind: 'normal' | 'noop' | 'confChange';
  readonly payload: Uint8Array;
  readonly confChange?: ConfChange;
}

/**
 * The replicated application. RaftNode calls it from one loop, never concurrently,
 * always in log order.
 */
export interface StateMachine<R = unknown> {
  /** Applies committed entries in order and returns one result per entry (handed to the proposer). */
  apply(entries: readonly AppliedEntry[]): Promise<readonly R[]> | readonly R[];
  /** The state as of the last applied entry, to snapshot and send to followers that fell behind. */
  snapshot(): Promise<Uint8Array> | Uint8Array;
  /** Replaces the state with a snapshot's (data as returned by snapshot() on some node). */
  restore(snapshot: Snapshot): Promise<void> | void;
  /**
   * The last index whose effects the application itself has durably stored, read at start.
   * Entries up to it are not applied again after a restart. Omit when the state lives only
   * in memory (everything after the snapshot is then applied again).
   */
  appliedIndex?(): number;
}
