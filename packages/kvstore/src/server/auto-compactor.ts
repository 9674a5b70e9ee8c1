/**
 * etcd's auto-compaction, decided purely from the clock and revisions it is given:
 * - `revision` mode keeps the last `retention` revisions;
 * - `periodic` mode keeps `retention` milliseconds of history: it samples the revision at
 *   each check and compacts to the newest sample at least `retention` old.
 * Only the leader runs it; the compaction itself goes through Raft.
 */
export class AutoCompactor {
  private samples: { at: number; revision: number }[] = [];

  constructor(
    readonly mode: 'periodic' | 'revision',
    /** Milliseconds (periodic) or revisions (revision); 0 disables. */
    readonly retention: number,
  ) {}

  get enabled(): boolean {
    return this.retention > 0;
  }

  /** How often to check: a tenth of the retention window (at least 100 ms), or every 5 minutes by revision. */
  get intervalMs(): number {
    return this.mode === 'periodic' ? Math.max(100, Math.floor(this.retention / 10)) : 5 * 60_000;
  }

  /** The revision to compact to now, if any. */
  next(now: number, currentRevision: number, compactedRevision: number): number | undefined {
    if (!this.enabled) return undefined;
    let target: number | undefined;
    if (this.mode === 'revision') {
      target = currentRevision - this.retention;
    } else {
      this.samples.push({ at: now, revision: currentRevision });
      const old = this.samples.filter((s) => now - s.at >= this.retention);
      if (old.length > 0) {
        target = old[old.length - 1].revision;
        this.samples = this.samples.filter((s) => now - s.at < this.retention || s === old[old.length - 1]);
      }
    }
    return target !== undefined && target > compactedRevision ? target : undefined;
  }

  /** Leadership moved: history sampled elsewhere does not carry over. */
  reset(): void {
    this.samples = [];
  }
}
