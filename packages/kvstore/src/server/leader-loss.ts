import type { NodeId } from '@flotilla/raft';

/**
 * Ends the wait of requests that depend on a leader this member no longer follows.
 *
 * A follower forwards proposals and read-index requests to its leader. If that leader dies they
 * are lost with it, and without this the caller would wait out the whole request timeout (three
 * election timeouts) although the member learns within one election timeout that the leader is
 * gone (it becomes a pre-candidate and forgets the leader) or that another leads. From that moment
 * the request can be answered: a read with "leader changed" (etcd does the same), a write with
 * "request timed out, possibly due to previous leader failure", which, like any timeout, leaves
 * its outcome open: the entry may still be committed by the next leader.
 */
export class LeaderLoss {
  private lead: NodeId = '';
  /** Invariant: holds exactly the requests still waiting that were made under `lead`. */
  private readonly waiting = new Set<() => void>();

  /** Called on every leader change the Raft node reports; a different leader ends every current wait. */
  observe(lead: NodeId): void {
    if (lead === this.lead) return;
    this.lead = lead;
    const ended = [...this.waiting];
    this.waiting.clear();
    for (const end of ended) end();
  }

  /**
   * Settles as `request` does, or rejects with `onLoss()` as soon as the leader known now is
   * lost, whichever comes first. What the request settles with after a loss is dropped.
   */
  race<T>(request: Promise<T>, onLoss: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const end = () => reject(onLoss());
      this.waiting.add(end);
      void request.then(resolve, reject).finally(() => this.waiting.delete(end));
    });
  }
}
