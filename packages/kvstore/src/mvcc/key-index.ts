/** A revision: `main` is the store revision of a change, `sub` the position within it (a txn writes several). */
export interface Revision {
  readonly main: number;
  readonly sub: number;
}

export function compareRevisions(a: Revision, b: Revision): number {
  return a.main - b.main || a.sub - b.sub;
}

/** One life of a key: from its creation to its deletion (the tombstone), if any. */
interface Generation {
  readonly revs: Revision[];
  /** The deletion that ended this generation; an open generation has none. */
  tombstone?: Revision;
}

/**
 * The revisions of one key, as generations (etcd's keyIndex). Revisions only grow, so
 * each generation's list is sorted and lookups can search from the end.
 */
export class KeyIndex {
  private generations: Generation[] = [];

  /**
   * Undoes every change made at revision `main` or later. Writes only append (a revision to
   * the last generation, a tombstone ending it, a new generation), so they all sit at the
   * tail: an abandoned write is undone in time proportional to what it wrote, not to the
   * key's history.
   */
  rollback(main: number): void {
    for (let last = this.generations.at(-1); last; last = this.generations.at(-1)) {
      if (last.tombstone && last.tombstone.main >= main) last.tombstone = undefined;
      while (last.revs.length > 0 && last.revs[last.revs.length - 1].main >= main) last.revs.pop();
      if (last.revs.length > 0) return;
      this.generations.pop();
    }
  }

  put(rev: Revision): void {
    const last = this.generations.at(-1);
    if (!last || last.tombstone) this.generations.push({ revs: [rev] });
    else last.revs.push(rev);
  }

  /** Ends the current generation; false if the key does not exist. */
  tombstone(rev: Revision): boolean {
    const last = this.generations.at(-1);
    if (!last || last.tombstone) return false;
    last.tombstone = rev;
    return true;
  }

  /** The revision holding the key's value as of `atRev`, if the key existed then. */
  get(atRev: number): Revision | undefined {
    for (let g = this.generations.length - 1; g >= 0; g--) {
      const gen = this.generations[g];
      if (gen.revs[0].main > atRev) continue;
      if (gen.tombstone && gen.tombstone.main <= atRev) return undefined;
      const revs = gen.revs;
      for (let i = revs.length - 1; i >= 0; i--) if (revs[i].main <= atRev) return revs[i];
      return undefined;
    }
    return undefined;
  }

  /** Whether the key exists now (its last generation is open). */
  get alive(): boolean {
    const last = this.generations.at(-1);
    return last !== undefined && !last.tombstone;
  }

  get isEmpty(): boolean {
    return this.generations.length === 0;
  }

  /**
   * Drops what a read at `atRev` or later can never need: in each generation, revisions
   * older than the latest one <= atRev, and whole generations deleted at or before atRev.
   * Returns the dropped revisions (tombstones included) for the caller to delete.
   */
  compact(atRev: number): Revision[] {
    const dropped: Revision[] = [];
    const kept: Generation[] = [];
    for (const gen of this.generations) {
      if (gen.tombstone && gen.tombstone.main <= atRev) {
        dropped.push(...gen.revs, gen.tombstone);
        continue;
      }
      let keepFrom = 0;
      for (let i = gen.revs.length - 1; i >= 0; i--) {
        if (gen.revs[i].main <= atRev) {
          keepFrom = i;
          break;
        }
      }
      dropped.push(...gen.revs.slice(0, keepFrom));
      kept.push({ revs: gen.revs.slice(keepFrom), tombstone: gen.tombstone });
    }
    this.generations = kept;
    return dropped;
  }
}
