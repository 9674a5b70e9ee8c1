/** Decides how long an item waits before its next retry. */
export interface RateLimiter<K> {
  /** The delay for this item's next retry (counts one more failure). */
  when(item: K): number;
  /** The item succeeded: its failure count starts over. */
  forget(item: K): void;
  numRequeues(item: K): number;
}

/**
 * Per-item exponential backoff, as client-go's ItemExponentialFailureRateLimiter: the n-th retry of
 * an item waits base·2^(n-1) ms (5 ms, 10 ms, 20 ms, ...), never more than max.
 */
export class ExponentialBackoffRateLimiter<K> implements RateLimiter<K> {
  private readonly failures = new Map<K, number>();

  constructor(
    private readonly baseMs = 5,
    private readonly maxMs = 1000_000,
  ) {}

  when(item: K): number {
    const n = this.failures.get(item) ?? 0;
    this.failures.set(item, n + 1);
    // 2^n overflows to Infinity long after the cap applies; Math.min keeps the result finite.
    return Math.min(this.baseMs * 2 ** n, this.maxMs);
  }

  forget(item: K): void {
    this.failures.delete(item);
  }

  numRequeues(item: K): number {
    return this.failures.get(item) ?? 0;
  }
}
