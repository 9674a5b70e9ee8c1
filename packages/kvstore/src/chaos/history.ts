/**
 * What a chaos run records and the checkers read: every client operation with the times it was
 * invoked and returned, every watcher's events, every lease, and the store's state at the end.
 *
 * Times are milliseconds since the run started, from one monotonic clock (performance.now()), so
 * that "a returned before b was invoked" means the same thing for every client.
 */

/** A client operation on one key. Keys and values are UTF-8 strings (the workload writes unique values). */
export type KvOperation =
  | { readonly type: 'put'; readonly key: string; readonly value: string; readonly lease?: string }
  | { readonly type: 'get'; readonly key: string; readonly serializable?: boolean }
  | { readonly type: 'delete'; readonly key: string }
  /** A txn: if the key's value equals `expected` (null: the key is absent) then put `value`, else nothing. */
  | { readonly type: 'cas'; readonly key: string; readonly expected: string | null; readonly value: string };

/** What the store answered; `revision` is the response header's revision. */
export type KvResult =
  | { readonly type: 'put'; readonly revision: number }
  | { readonly type: 'get'; readonly value: string | null; readonly modRevision: number; readonly revision: number }
  | { readonly type: 'delete'; readonly deleted: number; readonly revision: number }
  | { readonly type: 'cas'; readonly succeeded: boolean; readonly revision: number };

/**
 * How an operation ended. `failed` means it surely did not take effect (the server refused it before
 * proposing, e.g. a learner or a bad request); `unknown` means it may or may not have (a timeout, a
 * connection lost, "leader changed"): the checker lets it take effect at any time after its invocation,
 * or never.
 */
export type Outcome =
  | { readonly status: 'ok'; readonly result: KvResult }
  | { readonly status: 'failed'; readonly error: string }
  | { readonly status: 'unknown'; readonly error: string };

export interface HistoryOperation {
  readonly id: number;
  readonly client: number;
  readonly op: KvOperation;
  readonly invokedAt: number;
  /** When the client saw the outcome (for `unknown`, when it gave up). */
  readonly returnedAt: number;
  readonly outcome: Outcome;
}

export interface RecordedWatchEvent {
  readonly type: 'PUT' | 'DELETE';
  readonly key: string;
  /** The value put; absent on DELETE. */
  readonly value?: string;
  readonly modRevision: number;
  readonly receivedAt: number;
}

/** One watcher on a key prefix for the whole run; it resumes after a lost stream from the revision after the last one it saw. */
export interface WatchRecord {
  readonly watcher: number;
  readonly prefix: string;
  readonly startRevision: number;
  readonly events: readonly RecordedWatchEvent[];
  /** Each time the stream was lost and re-opened: when, and from which start revision. */
  readonly resumes: readonly { readonly at: number; readonly fromRevision: number }[];
  /** Set when the server cancelled the watch (e.g. compacted); the checker then checks only up to it. */
  readonly cancelledAt?: { readonly at: number; readonly reason: string; readonly compactRevision?: number };
  /**
   * Optional: a store revision this watcher is known to have caught up with at the end (the header
   * revision of a progress notification received after the workload stopped). The gap check then
   * covers every revision up to it; without it, only up to the last event the watcher saw.
   */
  readonly syncedRevision?: number;
}

export interface LeaseRecord {
  /** The lease ID in decimal (int64). */
  readonly id: string;
  readonly ttlSeconds: number;
  readonly grantedAt: number;
  /** Keys put with this lease by acknowledged puts. */
  readonly keys: readonly string[];
  /** When the workload stopped keeping it alive (or revoked it); absent if kept alive to the end. */
  readonly abandonedAt?: number;
  readonly revoked?: boolean;
}

/** A fault the runner injected, for the report and for the availability check. */
export interface FaultRecord {
  readonly kind: string;
  readonly target: string;
  readonly startedAt: number;
  readonly endedAt?: number;
  /** Optional: what was done, for people reading the report (e.g. "m1 does not hear from m0, m2"). */
  readonly detail?: string;
}

/** The store as read at the end of the run, after healing every fault: key -> value and mod revision. */
export type FinalState = Readonly<Record<string, { readonly value: string; readonly modRevision: number }>>;

export interface History {
  readonly operations: readonly HistoryOperation[];
  readonly watches: readonly WatchRecord[];
  readonly leases: readonly LeaseRecord[];
  readonly faults: readonly FaultRecord[];
  /** The run's end time, on the same clock. */
  readonly endedAt: number;
  readonly finalState: FinalState;
}
