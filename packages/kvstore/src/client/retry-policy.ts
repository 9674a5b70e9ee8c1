/** The first pause after a full round of failed attempts, and the most any pause may grow to. */
const FIRST_PAUSE_MS = 10;
const MAX_PAUSE_MS = 100;

/**
 * How long to wait before the next attempt of one request. A member that is down or
 * answers "no leader" is passed over at once for the next endpoint; only after a whole
 * round of endpoints failed does the request pause, starting short and doubling to a
 * small cap. The cap bounds what the client adds to an election: an answer becomes
 * possible at most MAX_PAUSE_MS before the client asks again.
 */
export class RetryPolicy {
  private failures = 0;
  private rounds = 0;

  constructor(private readonly endpointCount: number) {}

  /** The pause (ms) to take after this failure before the next attempt; 0 to go on at once. */
  pauseAfterFailure(): number {
    this.failures++;
    if (this.failures % this.endpointCount !== 0) return 0;
    const pause = Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** this.rounds);
    this.rounds++;
    return pause;
  }
}

/** Waits `ms`, or less if the signal aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
