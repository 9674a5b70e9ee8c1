import { realClock, type Clock, type TimerHandle } from './clock.js';
import { ExponentialBackoffRateLimiter, type RateLimiter } from './rate-limiter.js';

/**
 * A rate-limited work queue with client-go's guarantees:
 * - a key waits in the queue at most once (adds while it waits are merged);
 * - a key is handed to one worker at a time: added again while being processed, it goes back into
 *   the queue only when that worker calls done(key), so it is processed again afterwards, never concurrently;
 * - addRateLimited delays a retry by the limiter's per-key backoff; forget resets it; addAfter delays once.
 * Time comes from a Clock so the delays unit-test without waiting.
 */
export class WorkQueue<K = string> {
  private readonly queue: K[] = [];
  /** Keys that need processing (queued, or re-added while processing). */
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  /** Earliest pending delayed add per key: a later addAfter of the same key never postpones it. */
  private readonly waiting = new Map<K, { at: number; timer: TimerHandle }>();
  private waiters: ((key: K | undefined) => void)[] = [];
  private shuttingDown = false;

  private readonly clock: Clock;
  private readonly limiter: RateLimiter<K>;
  readonly name: string;

  constructor(options: { clock?: Clock; rateLimiter?: RateLimiter<K>; name?: string } = {}) {
    this.clock = options.clock ?? realClock;
    this.limiter = options.rateLimiter ?? new ExponentialBackoffRateLimiter<K>();
    this.name = options.name ?? 'queue';
  }

  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      this.dirty.delete(key);
      this.processing.add(key);
      waiter(key);
    } else {
      this.queue.push(key);
    }
  }

  /** Adds the key after ms (at once when ms <= 0). */
  addAfter(key: K, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const at = this.clock.now() + ms;
    const pending = this.waiting.get(key);
    if (pending && pending.at <= at) return;
    pending?.timer.cancel();
    const timer = this.clock.setTimer(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, { at, timer });
  }

  /** Adds the key after its backoff: each call without a forget() in between doubles the delay. */
  addRateLimited(key: K): void {
    this.addAfter(key, this.limiter.when(key));
  }

  /** The key was handled successfully: its backoff starts over. */
  forget(key: K): void {
    this.limiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.limiter.numRequeues(key);
  }

  /** The next key to process (waits for one); undefined once the queue shuts down. Call done(key) after. */
  get(): Promise<K | undefined> {
    const key = this.tryGet();
    if (key !== undefined) return Promise.resolve(key);
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The next key if one is ready now, without waiting. */
  tryGet(): K | undefined {
    if (this.queue.length === 0) return undefined;
    const key = this.queue.shift()!;
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  /** Marks the key processed; if it was added meanwhile it goes back into the queue now. */
  done(key: K): void {
    this.processing.delete(key);
    if (!this.dirty.has(key)) return;
    this.dirty.delete(key);
    this.add(key);
  }

  /** Keys waiting to be handed out (not those being processed or delayed). */
  get length(): number {
    return this.queue.length;
  }

  /** Keys delayed by addAfter / addRateLimited. */
  get delayedCount(): number {
    return this.waiting.size;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Stops handing out keys: waiting get() calls resolve undefined, delayed adds are cancelled. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.waiting.values()) timer.cancel();
    this.waiting.clear();
    this.queue.length = 0;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w(undefined);
  }
}

/**
 * Runs `workers` loops that take keys from the queue and call sync(key); a throw re-adds the key
 * rate-limited, a success forgets its backoff. Resolves when the queue shuts down and loops drain.
 */
export async function runWorkers<K>(queue: WorkQueue<K>, workers: number, sync: (key: K) => Promise<void>, onError?: (key: K, err: unknown) => void): Promise<void> {
  const loop = async () => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await sync(key);
        queue.forget(key);
      } catch (err) {
        onError?.(key, err);
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, loop));
}
