import { EMPTY_HARD_STATE, type Entry, type HardState, type RestoredState, type Snapshot } from '../../src/core/index.js';

interface DiskState {
  hardState: HardState;
  snapshot: Snapshot | undefined;
  entries: Entry[];
}

/**
 * A node's disk with the same semantics as LevelLogStorage (see its tests): saves
 * replace a conflicting suffix, a snapshot drops the log up to it. What was saved
 * without a sync is lost in a crash.
 */
export class SimDisk {
  private durable: DiskState = { hardState: EMPTY_HARD_STATE, snapshot: undefined, entries: [] };
  private volatile: DiskState = this.durable;

  save(req: { hardState?: HardState; entries: readonly Entry[]; snapshot?: Snapshot }, sync: boolean): void {
    const next: DiskState = { ...this.volatile, entries: this.volatile.entries };
    if (req.snapshot) {
      const { index, term } = req.snapshot.metadata;
      const at = next.entries.find((e) => e.index === index);
      next.entries = at && at.term === term ? next.entries.filter((e) => e.index > index) : [];
      next.snapshot = req.snapshot;
    }
    if (req.entries.length > 0) {
      const head = req.entries[0].index;
      const first = (next.snapshot?.metadata.index ?? 0) + 1;
      const last = next.entries.length > 0 ? next.entries[next.entries.length - 1].index : first - 1;
      if (head < first || head > last + 1) throw new Error(`sim disk: entries at ${head} do not attach to ${first}..${last}`);
      next.entries = [...next.entries.filter((e) => e.index < head), ...req.entries];
    }
    if (req.hardState) next.hardState = req.hardState;
    this.volatile = next;
    if (sync) this.durable = next;
  }

  /**
   * What a crash now would lose beyond the commit index, or undefined. The core asks to
   * sync whenever term, vote, log or snapshot change (Ready.mustSync), so only a commit
   * index may be lost; anything else means a promise made to a peer is forgotten.
   */
  unsyncedLoss(): string | undefined {
    const d = this.durable;
    const v = this.volatile;
    if (d === v) return undefined;
    if (d.hardState.term !== v.hardState.term || d.hardState.vote !== v.hardState.vote) {
      return `term/vote ${v.hardState.term}/${v.hardState.vote || '-'} (synced ${d.hardState.term}/${d.hardState.vote || '-'})`;
    }
    if (d.snapshot !== v.snapshot) return `the snapshot at ${v.snapshot?.metadata.index}`;
    if (d.entries.length !== v.entries.length || d.entries.some((e, i) => e !== v.entries[i])) {
      return `log entries (${d.entries.length} synced, ${v.entries.length} written)`;
    }
    return undefined;
  }

  /** The power goes out: only synced state remains. */
  crash(): void {
    this.volatile = this.durable;
  }

  /** Whether `e` is on disk (synced): in the log, or compacted into the snapshot. */
  holdsDurably(e: Entry): boolean {
    const d = this.durable;
    const snapIndex = d.snapshot?.metadata.index ?? 0;
    if (e.index <= snapIndex) return true;
    const at = d.entries[e.index - snapIndex - 1];
    return at !== undefined && at.index === e.index && at.term === e.term;
  }

  restore(): RestoredState {
    return { hardState: this.durable.hardState, snapshot: this.durable.snapshot, entries: this.durable.entries };
  }
}
