/** A cancellable timer handed out by a Clock. */
export interface TimerHandle {
  cancel(): void;
}

/** Time as an input: the work queue, leader election and event recorder read it through this. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls fn once after ms milliseconds (unless cancelled). */
  setTimer(fn: () => void, ms: number): TimerHandle;
}

/** The wall clock and Node's timers. Timers are unref'd: a pending retry never keeps a process alive. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

/**
 * A clock that moves only when told: advance(ms) fires the timers that fall due, in time order.
 * For unit tests of anything that waits (backoff, addAfter, lease expiry), without real waiting.
 */
export class ManualClock implements Clock {
  private timers: { at: number; seq: number; fn: () => void; cancelled: boolean }[] = [];
  private seq = 0;

  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const timer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  /** Moves time forward by ms, firing due timers one by one (a timer set by a firing one fires too if due). */
  advance(ms: number): void {
    const until = this.current + ms;
    for (;;) {
      const due = this.timers.filter((t) => !t.cancelled && t.at <= until).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = due.at;
      due.fn();
    }
    this.current = until;
    this.timers = this.timers.filter((t) => !t.cancelled);
  }

  /** How many timers are waiting (for tests that check nothing is left scheduled). */
  get pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }
}
