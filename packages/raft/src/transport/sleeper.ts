/**
 * The waits of one peer's loops (back-off, injected delay), cut short together when the
 * peer's URL changes or the transport stops. Timers are unref'd: a transport nobody
 * stopped does not keep the process alive, yet stop() still clears them.
 */
export class Sleeper {
  private readonly pending = new Map<NodeJS.Timeout, () => void>();

  /** Resolves after `ms`, or earlier on wakeAll(). */
  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.pending.set(timer, resolve);
    });
  }

  /** Ends every wait now. */
  wakeAll(): void {
    for (const [timer, resolve] of this.pending) {
      clearTimeout(timer);
      resolve();
    }
    this.pending.clear();
  }

  get sleeping(): number {
    return this.pending.size;
  }
}
