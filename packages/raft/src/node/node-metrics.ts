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

  observePersist(ms: number, entries: number, synced: boolean): void {
    this.persists++;
    if (synced) this.syncedPersists++;
    this.persistedEntries += entries;
    this.persistMsTotal += ms;
    this.lastPersistMs = ms;
  }
}
