import type { SimCluster } from './cluster.js';
import type { Prng } from './prng.js';

/**
 * The clients: every tick a few commands, single or batched, proposed through random
 * running members (followers forward them), and now and then a ReadIndex request.
 * Refusals (no leader, transfer under way, too much uncommitted) are counted, as a
 * client would see an error and retry.
 */
export class ClientWorkload {
  private commandSeq = 0;
  private readSeq = 0;

  constructor(
    private readonly cluster: SimCluster,
    private readonly rng: Prng,
  ) {}

  tick(): void {
    const up = this.cluster.responsiveMembers();
    if (up.length === 0) return;
    const r = this.rng;
    const proposals = r.int(0, 2);
    for (let i = 0; i < proposals; i++) {
      const node = r.pick(up);
      const commands = Array.from({ length: r.chance(0.25) ? r.int(2, 4) : 1 }, () => `c${this.commandSeq++}`);
      if (node.propose(commands)) {
        for (const c of commands) this.cluster.history.proposed(c, node.id);
        this.cluster.event(`${node.id} propose ${commands.join(',')}`);
      } else {
        this.cluster.stats.refused++;
      }
    }
    if (r.chance(0.15)) {
      const node = r.pick(up);
      const context = `r${this.readSeq++}`;
      // The answer comes out of a later Ready, so recording the request after the call is in time.
      if (node.tryInput((c) => c.readIndex(context))) {
        this.cluster.history.readRequested(context, node.id);
        this.cluster.event(`${node.id} read-index ${context}`);
      } else {
        this.cluster.stats.refused++;
      }
    }
  }
}
