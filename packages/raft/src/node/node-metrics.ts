/**
 * Counters and the latest timings of one RaftNode, as plain numbers: the kvstore
 * exports them through prom-client under etcd's metric names.
 */
export class NodeMetrics {
  leaderChanges = 0;
  entriesApplied = 0;
  proposalsFailed = 0;
  snapshotsTaken = 0;
  snapshotsInstalled = 0;
  /** Persist calls (one LevelDB batch each) and how many were synced. */
  persists = 0;
  syncedPersists = 0;
  persistedEntries = 0;
  /** Sum of persist durations in milliseconds, and the latest one. */
  persistMsTotal = 0;
  lastPersistMs = 0;

  private readonly persistListeners: ((ms: number, entries: number, synced: boolean) => void)[] = [];

  /** Called for every persist, e.g. to feed a latency histogram (etcd_disk_wal_fsync_duration_seconds). */
  onPersist(listener: (ms: number, entries: number, synced: boolean) => void): void {
    this.persistListeners.push(listener);
  }

  observePersist(ms: number, entries: number, synced: boolean): void {
    for (const l of this.persistListeners) l(ms, entries, synced);
    this.persists++;
    if (synced) this.syncedPersists++;
    this.persistedEntries += entries;
    this.persistMsTotal += ms;
    this.lastPersistMs = ms;
  }
}
