import type { FaultRecord, FinalState, History, HistoryOperation, KvOperation, KvResult, LeaseRecord, Outcome, WatchRecord } from './history.js';
import { outcomeOfError } from './operation-outcome.js';

/** A lease as the workload keeps it: mutable while the run goes on, frozen into a LeaseRecord at the end. */
export interface LeaseEntry {
  readonly id: string;
  readonly ttlSeconds: number;
  readonly grantedAt: number;
  readonly keys: string[];
  abandonedAt?: number;
  revoked?: boolean;
}

/**
 * Collects what a chaos run did, on one clock: milliseconds since the recorder was made, from
 * performance.now(). Every operation gets its ID and invocation time before it is sent and is
 * stored once it has an outcome, so none is lost and none is recorded twice.
 */
export class HistoryRecorder {
  private readonly origin = performance.now();
  private readonly operations: HistoryOperation[] = [];
  private readonly leases: LeaseEntry[] = [];
  private readonly faults: FaultRecord[] = [];
  private nextId = 0;
  private inFlight = 0;

  /** Milliseconds since the run started. */
  now(): number {
    return performance.now() - this.origin;
  }

  /** Operations with an outcome so far (the progress line reads it). */
  get recorded(): readonly HistoryOperation[] {
    return this.operations;
  }

  /** Operations sent and not yet answered. */
  get pending(): number {
    return this.inFlight;
  }

  /**
   * Runs one operation and records it. `build` receives the operation's ID (the workload puts it
   * in the value, so every value written is unique). A thrown error becomes `failed` or `unknown`
   * by what it proves (see operation-outcome.ts); it is never rethrown.
   */
  async record(client: number, build: (id: number) => KvOperation, send: (op: KvOperation) => Promise<KvResult>): Promise<HistoryOperation> {
    const id = this.nextId++;
    const op = build(id);
    const invokedAt = this.now();
    this.inFlight++;
    let outcome: Outcome;
    try {
      outcome = { status: 'ok', result: await send(op) };
    } catch (err) {
      outcome = outcomeOfError(err);
    } finally {
      this.inFlight--;
    }
    const entry: HistoryOperation = { id, client, op, invokedAt, returnedAt: this.now(), outcome };
    this.operations.push(entry);
    return entry;
  }

  /** Registers a granted lease; the caller updates its keys and abandonment on the returned entry. */
  lease(id: string, ttlSeconds: number, grantedAt: number): LeaseEntry {
    const entry: LeaseEntry = { id, ttlSeconds, grantedAt, keys: [] };
    this.leases.push(entry);
    return entry;
  }

  /** A fault starts now; the returned function marks it ended. */
  fault(kind: string, target: string, detail?: string): { end(): void } {
    const record: { -readonly [K in keyof FaultRecord]: FaultRecord[K] } = { kind, target, startedAt: this.now(), ...(detail ? { detail } : {}) };
    this.faults.push(record);
    return { end: () => void (record.endedAt ??= this.now()) };
  }

  get faultsSoFar(): readonly FaultRecord[] {
    return this.faults;
  }

  /** The history as the checkers read it. Operations are ordered by ID, i.e. by invocation. */
  build(watches: readonly WatchRecord[], finalState: FinalState, endedAt = this.now()): History {
    const leases: LeaseRecord[] = this.leases.map((l) => ({
      id: l.id,
      ttlSeconds: l.ttlSeconds,
      grantedAt: l.grantedAt,
      keys: [...l.keys],
      ...(l.abandonedAt !== undefined ? { abandonedAt: l.abandonedAt } : {}),
      ...(l.revoked ? { revoked: true } : {}),
    }));
    return {
      operations: [...this.operations].sort((a, b) => a.id - b.id),
      watches,
      leases,
      faults: this.faults.map((f) => ({ ...f })),
      endedAt,
      finalState,
    };
  }
}
