/**
 * Kubernetes' ControllerExpectations: what a controller is still waiting to see in its cache after
 * its own creates and deletes. While a key waits, its sync must not create or delete more (the cache
 * does not show the earlier writes yet, so it would over-create). Expectations expire after a TTL,
 * so a lost watch event cannot block a controller for ever. Time is an input (now, in ms).
 */
export class Expectations {
  private readonly records = new Map<string, { adds: number; deletes: Set<string>; since: number }>();

  constructor(private readonly ttlMs = 5 * 60_000) {}

  /** Whether the key may act: nothing pending, or what is pending has expired. */
  satisfied(key: string, now: number): boolean {
    const r = this.records.get(key);
    if (!r) return true;
    if ((r.adds <= 0 && r.deletes.size === 0) || now - r.since > this.ttlMs) {
      this.records.delete(key);
      return true;
    }
    return false;
  }

  /** Records the creates and deletes (by uid) a sync is about to make. */
  expect(key: string, adds: number, deleteUids: readonly string[], now: number): void {
    if (adds === 0 && deleteUids.length === 0) return;
    this.records.set(key, { adds, deletes: new Set(deleteUids), since: now });
  }

  /** One create was seen in the cache, or failed (it will not be seen). */
  creationObserved(key: string): void {
    const r = this.records.get(key);
    if (r) r.adds--;
  }

  /** The pod with this uid was seen deleted (or being deleted), or its delete failed. */
  deletionObserved(key: string, uid: string): void {
    this.records.get(key)?.deletes.delete(uid);
  }

  forget(key: string): void {
    this.records.delete(key);
  }
}
