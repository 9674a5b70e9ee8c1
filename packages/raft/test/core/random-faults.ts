import { expect } from 'chai';
import { RaftError, type ConfChangeType } from '../../src/core/index.js';
import { Cluster, enc, mulberry32 } from './harness.js';

export interface FaultOptions {
  /** Founders a, b, c plus empty nodes d, e; random membership changes among all five. */
  readonly membership?: boolean;
  /** Random snapshots, sometimes below the applied index. */
  readonly compact?: boolean;
  readonly ticks?: number;
}

const ALL = ['a', 'b', 'c', 'd', 'e'];
const CHANGES: readonly ConfChangeType[] = ['addNode', 'addLearner', 'removeNode'];

/**
 * A seeded run under random partitions, message loss (10%), crashes and restarts, with
 * proposals throughout. Checks Election Safety on every tick (the harness checks State
 * Machine Safety on every apply), then heals everything and checks that the members
 * converge: one leader, the same commands and the same membership everywhere.
 */
export function runWithRandomFaults(seed: number, opts: FaultOptions = {}): void {
  const c = opts.membership
    ? new Cluster({ voters: ['a', 'b', 'c'], bootstrap: true, seed, config: { maxSizePerMsg: 64, maxInflightMsgs: 4 } })
    : new Cluster({ voters: ALL, seed, config: { maxSizePerMsg: 64, maxInflightMsgs: 4 } });
  if (opts.membership) for (const id of ['d', 'e']) c.addNode(id);
  const rnd = mulberry32(seed * 7919);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const leaderOfTerm = new Map<number, string>();
  let down: string | undefined;
  let proposed = 0;
  for (let t = 0; t < (opts.ticks ?? 600); t++) {
    if (t % 25 === 0) {
      c.heal();
      if (rnd() < 0.5) {
        const shuffled = ALL.map((id) => [rnd(), id] as const)
          .sort((x, y) => x[0] - y[0])
          .map(([, id]) => id);
        c.partition(shuffled.slice(0, 2), shuffled.slice(2));
      }
      if (down) {
        c.restart(down);
        down = undefined;
      } else if (rnd() < 0.4) {
        down = pick(ALL);
        c.crash(down);
      }
    }
    for (const n of c.nodes.values()) if (n.up) n.core.tick();
    const lead = c.leaders();
    // Refusals (NoLeader, ProposalDropped, ConfChangePending, InvalidConfChange) are part of the game.
    if (lead.length > 0 && rnd() < 0.5) attempt(() => c.core(pick(lead)).propose(enc(`p${proposed++}`)));
    if (opts.membership && lead.length > 0 && rnd() < 0.05) {
      const on = pick(lead);
      const type = pick(CHANGES);
      const nodeId = pick(ALL);
      attempt(() => c.core(on).proposeConfChange({ type, nodeId }));
    }
    if (opts.compact && rnd() < 0.05) {
      const n = c.node(pick(ALL));
      const first = n.core.snapshotMetadata().index;
      const below = rnd() < 0.5;
      if (n.up && n.core.applied > first) c.compact(n.id, below ? first + 1 + Math.floor(rnd() * (n.core.applied - first)) : undefined);
    }
    c.deliverAll(() => rnd() > 0.1);
    for (const id of c.leaders()) {
      const term = c.core(id).term;
      const prev = leaderOfTerm.get(term);
      expect(prev === undefined || prev === id, `two leaders in term ${term}: ${prev} and ${id}`).to.equal(true);
      leaderOfTerm.set(term, id);
    }
  }

  c.heal();
  if (down) c.restart(down);
  c.tickAll(150);
  const leaders = c.leaders().filter((id) => c.core(id).confState().voters.includes(id));
  expect(leaders, 'one leader among the voters').to.have.length(1);
  const [lead] = leaders;
  c.propose(lead, 'final');
  c.tickAll(3);
  const conf = c.core(lead).confState();
  const reference = c.node(lead).commands;
  expect(reference.at(-1)).to.equal('final');
  for (const id of [...conf.voters, ...conf.learners]) {
    expect(c.node(id).commands, `commands of ${id}`).to.deep.equal(reference);
    expect(c.core(id).confState(), `membership seen by ${id}`).to.deep.equal(conf);
  }
  expect(leaderOfTerm.size, 'leadership changed hands').to.be.greaterThan(1);
}

function attempt(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof RaftError)) throw err;
  }
}
