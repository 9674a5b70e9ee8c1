/**
 * When a peer's send loop may try again after failures: the pause doubles with each failure in a
 * row, from `minMs` up to `maxMs`, and counts from the failure that set it.
 *
 * Invariant: the wait ends `pauseMs` after the last failure, not after the next message arrives. A
 * follower sends only to its leader, so it may fail against a peer (the leader that died), fall
 * silent towards it for seconds while that peer restarts and follows someone else, and then need
 * to reach it at once with a vote request when it campaigns; waiting out a pause that has long
 * passed there would delay the election by up to `maxMs`.
 */
export class RetryBackoff {
  private pauseMs = 0;
  private lastFailureAt = 0;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
  ) {}

  /** A send failed at `now`: the next pause is twice the last, within the bounds. */
  failed(now: number): void {
    this.pauseMs = Math.min(this.maxMs, Math.max(this.minMs, this.pauseMs * 2));
    this.lastFailureAt = now;
  }

  /** A send got through: no pause before the next. */
  succeeded(): void {
    this.pauseMs = 0;
  }

  /** How long to wait at `now` before sending again; 0 once the pause since the last failure is over. */
  waitAt(now: number): number {
    return Math.max(0, this.lastFailureAt + this.pauseMs - now);
  }
}
