import type { SimCluster } from './cluster.js';
import type { MembershipDriver } from './membership.js';
import type { NetworkFaults } from './network.js';
import type { Prng } from './prng.js';
import { ELECTION_TICK } from './sim-node.js';

/**
 * The adversary: each tick, with small probabilities, it changes the network's loss,
 * duplication and delays, partitions the members (symmetrically, one way, or the leader
 * alone), heals, crashes a member (often the leader) and restarts one, freezes one for a
 * while, starts an election, asks for a leadership transfer and changes the membership.
 */
export class FaultSchedule {
  constructor(
    private readonly cluster: SimCluster,
    private readonly rng: Prng,
    private readonly membership: MembershipDriver,
    /** Scales how often faults strike: some runs are calm, some stormy. */
    private readonly intensity: number,
  ) {}

  /** When a brief isolation of the leader ends. */
  private healAt = -1;

  tick(): void {
    const r = this.rng;
    const k = this.intensity;
    if (this.cluster.now === this.healAt) this.heal();
    if (r.chance(0.01 * k)) this.setNetworkFaults();
    if (r.chance(0.012 * k)) this.partition();
    if (r.chance(0.01 * k)) this.isolateLeaderBriefly();
    if (r.chance(0.02)) this.heal();
    if (r.chance(0.01 * k)) this.crash();
    if (r.chance(0.04)) this.restart();
    if (r.chance(0.005 * k)) this.pause();
    if (r.chance(0.005 * k)) this.transferLeadership();
    if (r.chance(0.002 * k)) this.campaign();
    if (r.chance(0.008 * k)) {
      // Now and then an operator's script fires several changes back to back; the core must take one at a time.
      const burst = r.chance(0.3) ? r.int(2, 3) : 1;
      for (let i = 0; i < burst; i++) this.membership.change();
    }
  }

  private setNetworkFaults(): void {
    const r = this.rng;
    const faults: NetworkFaults = {
      loss: r.pick([0, 0, 0.05, 0.2, 0.4]),
      duplicate: r.pick([0, 0.05, 0.2]),
      maxDelay: r.pick([0, 1, 2, 5]),
      stall: r.pick([0, 0, 0.02]),
      longDelay: r.pick([2, 3]) * ELECTION_TICK,
    };
    this.cluster.net.faults = faults;
    this.cluster.event(`faults ${JSON.stringify(faults)}`);
  }

  private partition(): void {
    const ids = [...this.cluster.members];
    const r = this.rng;
    const lead = this.cluster.leader();
    const kind = r.int(0, 9);
    if (kind < 3) {
      const from = r.pick(ids);
      const to = r.pick(ids.filter((i) => i !== from));
      this.cluster.net.cutOneWay(from, to);
      this.cluster.event(`cut ${from}>${to}`);
      return;
    }
    const side = kind < 5 && lead ? [lead.id] : ids.filter(() => r.chance(0.4));
    const other = ids.filter((i) => !side.includes(i));
    this.cluster.net.partition(side, other);
    this.cluster.event(`partition [${side}] | [${other}]`);
  }

  /**
   * Cuts the leader off for a few ticks, often right after it took proposals: its
   * uncommitted tail is left on some followers only, a new leader is elected, and the
   * old one comes back with a divergent log (the situations of Figure 8 of the paper).
   */
  private isolateLeaderBriefly(): void {
    const lead = this.cluster.leader();
    if (!lead) return;
    const others = this.cluster.members.filter((id) => id !== lead.id);
    // Sometimes one follower stays with it and receives part of its tail.
    const keep = this.rng.chance(0.5) ? [this.rng.pick(others)] : [];
    this.cluster.net.partition([lead.id, ...keep], others.filter((id) => !keep.includes(id)));
    this.healAt = this.cluster.now + this.rng.int(3, 3 * ELECTION_TICK);
    this.cluster.event(`isolate leader ${lead.id}${keep.length > 0 ? ` with ${keep[0]}` : ''} until ${this.healAt}`);
  }

  private heal(): void {
    this.cluster.net.heal();
    this.cluster.event('heal');
  }

  private crash(): void {
    const c = this.cluster;
    const up = c.upMembers();
    // At most two members down at a time, so a majority can come back quickly.
    if (up.length <= c.members.length - 2) return;
    const lead = c.leader();
    const victim = lead && this.rng.chance(0.5) ? lead : this.rng.pick(up);
    c.crash(victim.id);
  }

  /** Freezes a running member (often the leader) for up to two election timeouts. */
  private pause(): void {
    const c = this.cluster;
    const up = c.upMembers();
    if (up.length === 0) return;
    const lead = c.leader();
    const victim = lead && this.rng.chance(0.5) ? lead : this.rng.pick(up);
    c.pause(victim.id, this.rng.int(1, 2 * ELECTION_TICK));
  }

  private restart(): void {
    const down = this.cluster.members.filter((id) => !this.cluster.node(id).up);
    if (down.length === 0) return;
    this.cluster.restart(this.rng.pick(down));
  }

  /** A member starts an election on its own (RaftCore.campaign), leader or not. */
  private campaign(): void {
    const up = this.cluster.responsiveMembers();
    if (up.length === 0) return;
    const n = this.rng.pick(up);
    n.core.campaign();
    this.cluster.event(`campaign ${n.id}`);
  }

  /** Asks the leader (directly or through a follower) to hand over, sometimes to a member that cannot take it. */
  private transferLeadership(): void {
    const c = this.cluster;
    const lead = c.leader();
    if (!lead) return;
    const { voters, learners } = lead.core.confState();
    const candidates = this.rng.chance(0.9) ? voters.filter((v) => v !== lead.id) : [...learners, lead.id];
    if (candidates.length === 0) return;
    const to = this.rng.pick(candidates);
    const others = c.responsiveMembers();
    const via = others.length > 0 && this.rng.chance(0.3) ? this.rng.pick(others) : lead;
    if (via.tryInput((core) => core.transferLeadership(to))) {
      c.stats.transfers++;
      c.event(`transfer ${lead.id} -> ${to} via ${via.id}`);
    }
  }
}
