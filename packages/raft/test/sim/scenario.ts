import { bootstrapState } from '../../src/core/index.js';
import { InvariantViolation } from './checkers.js';
import { SimCluster } from './cluster.js';
import { FaultSchedule } from './faults.js';
import { MembershipDriver } from './membership.js';
import { CALM } from './network.js';
import { Prng } from './prng.js';
import { ELECTION_TICK, type ClusterSettings, type SimNodeOptions } from './sim-node.js';
import { Trace } from './trace.js';
import { ClientWorkload } from './workload.js';

/** Ticks of chaos before the network heals, unless a run asks for another length. */
export const CHAOS_TICKS = 600;
/** After healing, a leader must emerge and a fresh proposal reach every member within this many election timeouts. */
export const LIVENESS_TIMEOUTS = 20;

export interface ScenarioOptions {
  /** Receives every event of the run, for `--trace`. */
  readonly trace?: (line: string) => void;
  /** Ticks of chaos before healing (default CHAOS_TICKS). */
  readonly chaosTicks?: number;
  /** The liveness bound in election timeouts (default LIVENESS_TIMEOUTS). */
  readonly livenessTimeouts?: number;
}

export interface ScenarioResult {
  readonly seed: number;
  readonly ok: boolean;
  /** The violated property and where, when not ok. */
  readonly error?: string;
  readonly clusterSize: number;
  readonly settings: string;
  readonly ticks: number;
  /** Ticks from healing to convergence (the liveness check), or -1 if it was not reached. */
  readonly recoveryTicks: number;
  readonly committed: number;
  readonly acknowledged: number;
  readonly reads: number;
  readonly elections: number;
  readonly crashes: number;
  readonly membershipChanges: number;
  readonly retired: number;
  readonly transfers: number;
  readonly snapshotsInstalled: number;
  /** A digest of the whole trace: equal for equal seeds. */
  readonly digest: string;
}

/** The Raft settings of one run: mostly the defaults, sometimes tight flow control or PreVote/CheckQuorum off. */
function chooseSettings(r: Prng): ClusterSettings {
  return {
    preVote: r.chance(0.8),
    checkQuorum: r.chance(0.8),
    maxSizePerMsg: r.pick([64, 512, 1 << 20]),
    maxInflightMsgs: r.pick([1, 4, 8, 256]),
    maxUncommittedEntriesSize: r.pick([0, 0, 0, 400]),
    maxCommittedSizePerReady: r.pick([1 << 26, 1 << 26, 100]),
  };
}

/**
 * One simulated run, from a seed: a 3- or 5-node cluster under client load and the
 * fault schedule for `chaosTicks`, with safety checked after every Ready and every tick;
 * then the network heals, every member restarts, and liveness and durability are checked.
 */
export function runSeed(seed: number, options: ScenarioOptions = {}): ScenarioResult {
  const chaosTicks = options.chaosTicks ?? CHAOS_TICKS;
  const rng = new Prng(seed);
  const trace = new Trace(options.trace);
  const cluster = new SimCluster(rng.fork(), trace);
  const size = rng.chance(0.5) ? 3 : 5;
  const settings = chooseSettings(rng);
  const nodeOptions = (): SimNodeOptions => ({ settings, snapshotEvery: rng.int(5, 40), durableStateMachine: rng.chance(0.5) });
  const membership = new MembershipDriver(cluster, rng.fork(), nodeOptions);
  const intensity = rng.pick([0.5, 1, 2, 3, 5]);
  const faults = new FaultSchedule(cluster, rng.fork(), membership, intensity);
  const clients = new ClientWorkload(cluster, rng.fork());
  const describedSettings = JSON.stringify(settings);
  let error: string | undefined;
  let recoveryTicks = -1;
  try {
    trace.event(0, `seed ${seed}: ${size} nodes, fault intensity ${intensity}, ${describedSettings}`);
    const founders = Array.from({ length: size }, () => cluster.newId());
    const initial = bootstrapState(founders.map((id) => ({ id })));
    for (const id of founders) cluster.addNode(id, nodeOptions(), initial);
    for (; cluster.now < chaosTicks; cluster.now++) {
      faults.tick();
      clients.tick();
      cluster.step();
    }
    recoveryTicks = healAndCheckLiveness(cluster, seed, options.livenessTimeouts ?? LIVENESS_TIMEOUTS);
  } catch (err) {
    error = err instanceof InvariantViolation ? err.message : `unexpected error: ${(err as Error).stack ?? String(err)}`;
    trace.event(cluster.now, `FAILED ${error}`);
  }
  let snapshotsInstalled = 0;
  for (const n of cluster.nodes.values()) snapshotsInstalled += n.snapshotsInstalled;
  return {
    seed,
    ok: error === undefined,
    error,
    clusterSize: size,
    settings: describedSettings,
    ticks: cluster.now,
    recoveryTicks,
    committed: cluster.checker.highestCommitted,
    acknowledged: cluster.history.acked.size,
    reads: cluster.history.readsDone,
    elections: cluster.stats.elections,
    crashes: cluster.stats.crashes,
    membershipChanges: cluster.stats.membershipChanges,
    retired: cluster.stats.retired,
    transfers: cluster.stats.transfers,
    snapshotsInstalled,
    digest: trace.digest(),
  };
}

/**
 * Liveness: with the network healed and every member up, a leader emerges and a fresh
 * proposal is applied by every member of its configuration within `timeouts` election
 * timeouts. Then durability: every member holds every acknowledged write, and
 * all agree on the membership. Returns the ticks it took.
 */
function healAndCheckLiveness(cluster: SimCluster, seed: number, timeouts: number): number {
  cluster.net.heal();
  cluster.net.faults = CALM;
  for (const id of cluster.members) if (!cluster.node(id).up) cluster.restart(id);
  cluster.event('heal all, restart all');
  const healedAt = cluster.now;
  const deadline = healedAt + timeouts * ELECTION_TICK;
  const probe = `probe-${seed}`;
  let lastTry = -Infinity;
  for (; cluster.now < deadline; cluster.now++) {
    cluster.step();
    const lead = cluster.leader();
    // Like a client, retry when the proposal may have been lost to a leader change.
    if (lead && cluster.now - lastTry >= 3 * ELECTION_TICK && lead.propose([probe])) {
      cluster.history.proposed(probe, lead.id);
      cluster.event(`${lead.id} propose ${probe}`);
      lastTry = cluster.now;
    }
    if (converged(cluster, probe)) {
      checkAgreement(cluster);
      return cluster.now - healedAt;
    }
  }
  const lead = cluster.leader();
  const states = cluster.members.map((id) => {
    const c = cluster.node(id).core;
    return `${id}(${c.role} t${c.term} lead ${c.lead || '-'} commit ${c.commit} applied ${c.applied} last ${c.lastIndex} voters ${c.confState().voters.join(',')})`;
  });
  throw new InvariantViolation('liveness', `no convergence ${timeouts} election timeouts after healing: leader ${lead?.id ?? 'none'}; ${states.join(' ')}`);
}

/**
 * The probe was acknowledged, the leader has committed its whole log, and every voter and
 * learner of its configuration is up and has applied all of it.
 */
function converged(cluster: SimCluster, probe: string): boolean {
  const lead = cluster.leader();
  if (!lead || !cluster.history.acked.has(probe)) return false;
  const c = lead.core;
  if (c.commit !== c.lastIndex) return false;
  const { voters, learners } = c.confState();
  for (const id of [...voters, ...learners]) {
    const n = cluster.nodes.get(id);
    if (!n?.up || n.sm.index !== c.commit) return false;
  }
  return true;
}

function checkAgreement(cluster: SimCluster): void {
  const lead = cluster.leader()!;
  const conf = lead.core.confState();
  const key = (ids: readonly string[]) => [...ids].sort().join(',');
  for (const id of [...conf.voters, ...conf.learners]) {
    const n = cluster.node(id);
    cluster.history.checkDurability(id, n.sm.commands);
    const mine = n.core.confState();
    if (key(mine.voters) !== key(conf.voters) || key(mine.learners) !== key(conf.learners)) {
      throw new InvariantViolation('agreement', `${id} sees voters ${key(mine.voters)} learners ${key(mine.learners)}, the leader ${key(conf.voters)} / ${key(conf.learners)}`);
    }
  }
}
