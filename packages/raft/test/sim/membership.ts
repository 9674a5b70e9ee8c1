import type { ConfChange, NodeId } from '../../src/core/index.js';
import type { SimCluster } from './cluster.js';
import type { Prng } from './prng.js';
import type { SimNode, SimNodeOptions } from './sim-node.js';

const MIN_VOTERS = 3;
const MAX_MEMBERS = 7;

/**
 * Membership changes under load, the way an operator does them: add a learner (a new,
 * empty server with a fresh id), promote it once it has caught up, remove voters (the
 * leader too) while at least three remain, remove learners. The core refuses what it
 * cannot take now (one change at a time).
 */
export class MembershipDriver {
  constructor(
    private readonly cluster: SimCluster,
    private readonly rng: Prng,
    private readonly nodeOptions: () => SimNodeOptions,
  ) {}

  change(): void {
    const lead = this.cluster.leader();
    if (!lead) return;
    const cc = this.choose(lead);
    if (!cc) return;
    // Removals may be forwarded by a follower. Additions go to the leader: a forwarded one
    // can be delayed or duplicated past the removal of the same id, and would then bring a
    // retired server back (etcd's membership store refuses removed ids; this core does not).
    const others = this.cluster.responsiveMembers();
    const via = cc.type === 'removeNode' && others.length > 0 && this.rng.chance(0.5) ? this.rng.pick(others) : lead;
    const isNew = !this.cluster.nodes.has(cc.nodeId);
    if (!via.tryInput((c) => c.proposeConfChange(cc))) {
      this.cluster.stats.refused++;
      return;
    }
    this.cluster.stats.membershipChanges++;
    this.cluster.event(`propose ${cc.type} ${cc.nodeId} via ${via.id}`);
    // The new server starts empty and waits for the leader to contact it.
    if (isNew) this.cluster.addNode(cc.nodeId, this.nodeOptions());
  }

  private choose(lead: SimNode): ConfChange | undefined {
    const r = this.rng;
    const { voters, learners } = lead.core.confState();
    const progress = lead.core.status().progress;
    const caughtUp = learners.filter((id) => (progress.get(id)?.match ?? 0) >= lead.core.commit);
    if (caughtUp.length > 0 && r.chance(0.6)) return { type: 'addNode', nodeId: r.pick(caughtUp) };
    // Promoting a learner that still lags is allowed, just slower to pay off.
    if (learners.length > 0 && r.chance(0.1)) return { type: 'addNode', nodeId: r.pick(learners) };
    if (learners.length > 0 && r.chance(0.1)) return { type: 'removeNode', nodeId: r.pick(learners) };
    if (voters.length > MIN_VOTERS && r.chance(0.5)) return { type: 'removeNode', nodeId: r.pick(voters) };
    if (voters.length + learners.length >= MAX_MEMBERS) return undefined;
    const id: NodeId = this.cluster.newId();
    // Rarely a new server joins as a voter straight away.
    return { type: r.chance(0.1) ? 'addNode' : 'addLearner', nodeId: id };
  }
}
