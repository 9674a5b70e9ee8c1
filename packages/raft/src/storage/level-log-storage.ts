import { Packr } from 'msgpackr';
import { EMPTY_HARD_STATE, type Entry, type EntryType, type HardState, type RestoredState, type Snapshot } from '../core/index.js';
import type { LogStorage, SaveRequest } from './log-storage.js';
import { ENTRY_RANGE, HARD_STATE_KEY, SNAPSHOT_KEY, entryKey, indexOfEntryKey } from './keys.js';

/**
 * What we use of an abstract-level store (ClassicLevel on disk, MemoryLevel, or a
 * sublevel of either) opened with `keyEncoding: 'view', valueEncoding: 'view'`.
 */
export interface BinaryLevel {
  readonly status: string;
  open(): Promise<void>;
  close(): Promise<void>;
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  batch(): BinaryChainedBatch;
  iterator(options: { gt?: Uint8Array; lte?: Uint8Array }): AsyncIterable<[Uint8Array, Uint8Array]>;
}

const packr = new Packr({ useRecords: false });

type StoredEntry = [term: number, type: EntryType, data: Uint8Array];

/** A chained batch: several times cheaper per operation than an array batch in abstract-level. */
export interface BinaryChainedBatch {
  put(key: Uint8Array, value: Uint8Array): unknown;
  del(key: Uint8Array): unknown;
  write(options: { sync?: boolean }): Promise<void>;
}

type BatchOp = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array };

/**
 * The Raft log, hard state and latest snapshot in a LevelDB store (classic-level on
 * disk, memory-level in tests). Every save() is one atomic batch, synced when Raft
 * asks, so a crash leaves exactly the state of some completed save.
 *
 * Invariant kept in memory and on disk: the stored entries are exactly the indexes
 * first..last, contiguous, and first = snapshot index + 1 (or 1 with no snapshot).
 */
export class LevelLogStorage implements LogStorage {
  private first = 1;
  private last = 0;
  private snapshotTerm = 0;
  private opened = false;

  constructor(private readonly db: BinaryLevel) {}

  async open(): Promise<RestoredState> {
    if (this.db.status !== 'open') await this.db.open();
    const hardRaw = await this.db.get(HARD_STATE_KEY);
    const snapRaw = await this.db.get(SNAPSHOT_KEY);
    const hardState: HardState = hardRaw ? (packr.unpack(hardRaw) as HardState) : EMPTY_HARD_STATE;
    const snapshot = snapRaw ? (packr.unpack(snapRaw) as Snapshot) : undefined;
    const snapIndex = snapshot?.metadata.index ?? 0;
    this.snapshotTerm = snapshot?.metadata.term ?? 0;

    const entries: Entry[] = [];
    for await (const [key, value] of this.db.iterator({ gt: entryKey(snapIndex), lte: ENTRY_RANGE.lte })) {
      const index = indexOfEntryKey(key);
      const expected = snapIndex + entries.length + 1;
      if (index !== expected) throw new Error(`raft log is corrupt: expected entry ${expected}, found ${index}`);
      const [term, type, data] = packr.unpack(value) as StoredEntry;
      entries.push({ term, index, type, data });
    }
    this.first = snapIndex + 1;
    this.last = snapIndex + entries.length;
    this.opened = true;
    return { hardState, snapshot, entries };
  }

  async save(req: SaveRequest, sync: boolean): Promise<void> {
    if (!this.opened) throw new Error('storage is not open');
    const ops: BatchOp[] = [];
    let first = this.first;
    let last = this.last;
    let snapshotTerm = this.snapshotTerm;

    if (req.snapshot) {
      const { index, term } = req.snapshot.metadata;
      if (index < first - 1) throw new Error(`snapshot at ${index} is older than the stored one at ${first - 1}`);
      // A snapshot of our own log (compaction) keeps the entries after it; a leader's
      // snapshot that our log does not match replaces the whole log.
      const keepTail = index >= first - 1 && index <= last && (await this.termAt(index)) === term;
      const dropTo = keepTail ? index : last;
      for (let i = first; i <= dropTo; i++) ops.push({ type: 'del', key: entryKey(i) });
      ops.push({ type: 'put', key: SNAPSHOT_KEY, value: packr.pack(req.snapshot) });
      first = index + 1;
      last = keepTail ? last : index;
      snapshotTerm = term;
    }

    if (req.entries.length > 0) {
      const head = req.entries[0].index;
      if (head < first || head > last + 1) {
        throw new Error(`entries starting at ${head} do not attach to the log ${first}..${last}`);
      }
      // Entries from `head` on replace what is stored there, and everything after.
      for (let i = Math.max(head, req.entries[req.entries.length - 1].index + 1); i <= last; i++) {
        ops.push({ type: 'del', key: entryKey(i) });
      }
      for (const e of req.entries) {
        const stored: StoredEntry = [e.term, e.type, e.data];
        ops.push({ type: 'put', key: entryKey(e.index), value: packr.pack(stored) });
      }
      last = req.entries[req.entries.length - 1].index;
    }

    if (req.hardState) ops.push({ type: 'put', key: HARD_STATE_KEY, value: packr.pack(req.hardState) });
    if (ops.length === 0) return;
    const batch = this.db.batch();
    for (const op of ops) {
      if (op.type === 'put') batch.put(op.key, op.value);
      else batch.del(op.key);
    }
    await batch.write({ sync });
    this.first = first;
    this.last = last;
    this.snapshotTerm = snapshotTerm;
  }

  async close(): Promise<void> {
    this.opened = false;
    await this.db.close();
  }

  private async termAt(index: number): Promise<number | undefined> {
    if (index === this.first - 1) return this.snapshotTerm;
    const raw = await this.db.get(entryKey(index));
    return raw ? (packr.unpack(raw) as StoredEntry)[0] : undefined;
  }
}
