import { bootstrapState, type Message, type NodeId, type ReadState } from '../../src/core/index.js';
import { InvariantViolation, SafetyChecker, checkRead, type NodeView } from './checkers.js';
import { Network } from './network.js';
import { Prng } from './prng.js';
import { ELECTION_TICK, SimNode } from './sim-node.js';

export interface ScenarioOptions {
  readonly seed: number;
  /** Ticks of chaos before the network heals. */
  readonly chaosTicks?: number;
  /** Ticks allowed after healing for a leader to emerge and a proposal to commit everywhere. */
  readonly livenessTicks?: number;
  readonly trace?: (line: string) => void;
}

export interface ScenarioResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly error?: string;
  readonly clusterSize: number;
  readonly ticks: number;
  readonly committed: number;
  readonly acknowledged: number;
  readonly reads: number;
  readonly crashes: number;
  readonly membershipChanges: number;
  readonly snapshotsInstalled: number;
  /** A digest of the whole trace: equal for equal seeds. */
  readonly digest: string;
}

interface PendingRead {
  readonly node: NodeId;
  readonly highestAckedAtStart: number;
  index: number | undefined;
}

/**
 * One simulated run: a 3- or 5-node cluster under a seeded schedule of client load,
 * partitions, message loss, duplication, delay, crashes that lose unsynced state,
 * restarts, leadership transfers, membership changes and snapshots; safety is checked
 * after every step, then the network heals and liveness is checked.
 */
export class Scenario {
  private readonly rng: Prng;
  private readonly net: Network;
  private readonly checker = new SafetyChecker();
  private readonly nodes = new Map<NodeId, SimNode>();
  /** Members that have not been removed (the ones expected to converge). */
  private members: NodeId[] = [];
  private nextNodeNumber = 1;
  private now = 0;
  private commandSeq = 0;
  private readonly proposedBy = new Map<string, NodeId>();
  /** Index at which each command was acknowledged to its client. */
  private readonly acked = new Map<string, number>();
  private highestAcked = 0;
  private readonly reads = new Map<string, PendingRead>();
  private snapshotReports: { from: SimNode; to: NodeId; ok: boolean }[] = [];
  private readSeq = 0;
  private readsDone = 0;
  private crashes = 0;
  private membershipChanges = 0;
  private digest = 0x811c9dc5;

  constructor(private readonly opts: ScenarioOptions) {
    this.rng = new Prng(opts.seed);
    this.net = new Network(this.rng.fork());
  }

  run(): ScenarioResult {
    const size = this.rng.chance(0.5) ? 3 : 5;
    try {
      this.bootstrap(size);
      const chaosTicks = this.opts.chaosTicks ?? 600;
      for (; this.now < chaosTicks; this.now++) {
        this.chaos();
        this.clients();
        this.step();
      }
      this.healAndCheckLiveness();
      return this.result(size, true);
    } catch (err) {
      if (!(err instanceof InvariantViolation) && !(err instanceof LivenessFailure)) {
        return this.result(size, false, `unexpected error: ${(err as Error).stack ?? String(err)}`);
      }
      return this.result(size, false, (err as Error).message);
    }
  }

  // ---- setup ---------------------------------------------------------------------------

  private bootstrap(size: number): void {
    const ids = Array.from({ length: size }, () => this.newId());
    const initial = bootstrapState(ids.map((id) => ({ id })));
    for (const id of ids) this.addNode(id).start(initial);
    this.members = ids;
    this.trace(`bootstrap ${ids.join(',')}`);
  }

  private newId(): NodeId {
    return `n${this.nextNodeNumber++}`;
  }

  private addNode(id: NodeId): SimNode {
    const node = new SimNode(id, this.rng.fork(), {
      applied: (n, index, command) => this.onApplied(n, index, command),
      readState: (n, rs) => this.onReadState(n, rs),
      send: (n, messages) => this.onSend(n, messages),
    }, this.rng.int(8, 40));
    this.nodes.set(id, node);
    return node;
  }

  // ---- one tick ------------------------------------------------------------------------

  private step(): void {
    for (const id of this.members) {
      const n = this.nodes.get(id)!;
      if (n.up) n.core.tick();
    }
    // Deliver what is due, letting replies that need no delay go out in the same tick.
    for (let round = 0; round < 4; round++) {
      for (const n of this.nodes.values()) if (n.up) n.process();
      const due = this.net.due(this.now);
      if (due.length === 0) break;
      for (const m of due) this.deliver(m);
    }
    for (const n of this.nodes.values()) if (n.up) n.process();
    this.reportSnapshots();
    this.checker.check(this.views());
  }

  private reportSnapshots(): void {
    const reports = this.snapshotReports;
    this.snapshotReports = [];
    for (const { from, to, ok } of reports) {
      if (!from.up) continue;
      from.core.reportSnapshot(to, ok);
      if (!ok) from.core.reportUnreachable(to);
      from.process();
    }
  }

  private deliver(m: Message): void {
    const to = this.nodes.get(m.to);
    if (!to?.up) return;
    this.mix(`${this.now} ${m.from}>${m.to} ${m.type} t${m.term}`);
    to.core.step(m);
  }

  private views(): NodeView[] {
    const out: NodeView[] = [];
    for (const n of this.nodes.values()) {
      if (!n.up) continue;
      const c = n.core;
      out.push({ id: n.id, term: c.term, isLeader: n.isLeader, commit: c.commit, entries: c.logEntries(), snapshotIndex: c.snapshotMetadata().index });
    }
    return out;
  }

  // ---- the schedule ----------------------------------------------------------------------

  private chaos(): void {
    const r = this.rng;
    if (r.chance(0.01)) this.setNetworkFaults();
    if (r.chance(0.008)) this.partitionRandomly();
    if (r.chance(0.006)) this.heal();
    if (r.chance(0.006)) this.crashOne();
    if (r.chance(0.03)) this.restartOne();
    if (r.chance(0.004)) this.transferLeadership();
    if (r.chance(0.006)) this.changeMembership();
  }

  private setNetworkFaults(): void {
    const r = this.rng;
    this.net.faults = { loss: r.pick([0, 0, 0.05, 0.2]), duplicate: r.pick([0, 0.05, 0.2]), maxDelay: r.pick([1, 2, 5]) };
    this.trace(`faults ${JSON.stringify(this.net.faults)}`);
  }

  private partitionRandomly(): void {
    const ids = [...this.members];
    if (this.rng.chance(0.3)) {
      const from = this.rng.pick(ids);
      const to = this.rng.pick(ids.filter((i) => i !== from));
      this.net.cutOneWay(from, to);
      this.trace(`cut ${from}>${to}`);
      return;
    }
    const side = ids.filter(() => this.rng.chance(0.4));
    const other = ids.filter((i) => !side.includes(i));
    this.net.partition(side, other);
    this.trace(`partition [${side}] | [${other}]`);
  }

  private heal(): void {
    this.net.heal();
    this.trace('heal');
  }

  private crashOne(): void {
    const up = this.members.filter((id) => this.nodes.get(id)!.up);
    // Keep a majority able to come back quickly: at most two down at a time.
    if (up.length <= this.members.length - 2) return;
    const id = this.rng.pick(up);
    this.nodes.get(id)!.crash();
    this.net.forget(id);
    this.crashes++;
    this.trace(`crash ${id}`);
  }

  private restartOne(): void {
    const down = this.members.filter((id) => !this.nodes.get(id)!.up);
    if (down.length === 0) return;
    const node = this.nodes.get(this.rng.pick(down))!;
    node.start();
    this.checker.checkStateMachine(node.id, node.applied);
    this.trace(`restart ${node.id} term ${node.core.term} commit ${node.core.commit} last ${node.core.lastIndex}`);
  }

  private leader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const n of this.nodes.values()) if (n.isLeader && (!best || n.core.term > best.core.term)) best = n;
    return best;
  }

  private transferLeadership(): void {
    const lead = this.leader();
    if (!lead) return;
    const voters = lead.core.confState().voters.filter((v) => v !== lead.id);
    if (voters.length === 0) return;
    const to = this.rng.pick(voters);
    if (lead.tryInput(() => lead.core.transferLeadership(to))) this.trace(`transfer ${lead.id} -> ${to}`);
  }

  private changeMembership(): void {
    const lead = this.leader();
    if (!lead) return;
    const conf = lead.core.confState();
    const r = this.rng;
    let change: { type: 'addNode' | 'addLearner' | 'removeNode'; nodeId: NodeId } | undefined;
    if (conf.learners.length > 0 && r.chance(0.6)) {
      change = { type: 'addNode', nodeId: r.pick(conf.learners) };
    } else if (conf.voters.length > 3 && r.chance(0.5)) {
      change = { type: 'removeNode', nodeId: r.pick(conf.voters) };
    } else if (conf.voters.length + conf.learners.length < 7) {
      const id = this.newId();
      change = { type: 'addLearner', nodeId: id };
      // The new server starts empty and waits to be contacted by the leader.
      this.addNode(id).start();
      this.members.push(id);
    }
    if (!change) return;
    const chosen = change;
    if (lead.tryInput(() => lead.core.proposeConfChange(chosen))) {
      this.membershipChanges++;
      this.trace(`propose ${chosen.type} ${chosen.nodeId} via ${lead.id}`);
    }
    // A removal takes the server out of the expected members once it is in the leader's config.
  }

  private clients(): void {
    const r = this.rng;
    const up = [...this.nodes.values()].filter((n) => n.up && this.members.includes(n.id));
    if (up.length === 0) return;
    const proposals = r.int(0, 2);
    for (let i = 0; i < proposals; i++) {
      const node = r.pick(up);
      const command = `c${this.commandSeq++}`;
      if (node.propose(command)) this.proposedBy.set(command, node.id);
    }
    if (r.chance(0.15)) {
      const node = r.pick(up);
      const context = `r${this.readSeq++}`;
      if (node.tryInput(() => node.core.readIndex(context))) {
        this.reads.set(context, { node: node.id, highestAckedAtStart: this.highestAcked, index: undefined });
      }
    }
  }

  // ---- what nodes report -------------------------------------------------------------------

  private onSend(from: SimNode, messages: readonly Message[]): void {
    for (const m of messages) {
      const sent = this.net.send(m, this.now);
      // A real transport reports how a snapshot transfer went; without it the leader
      // would wait for that follower forever. Loss on the way out is a failure; a
      // snapshot lost in flight is reported as sent, and the follower's silence then
      // looks like an unreachable peer.
      if (m.type === 'snap') this.snapshotReports.push({ from, to: m.to, ok: sent });
    }
  }

  private onApplied(node: SimNode, index: number, command: string): void {
    this.checker.recordApplied(node.id, index, command);
    this.mix(`${node.id} apply ${index} ${command}`);
    // The client is answered by the node it proposed through, once that node applies it.
    if (this.proposedBy.get(command) === node.id && !this.acked.has(command)) {
      this.acked.set(command, index);
      if (index > this.highestAcked) this.highestAcked = index;
    }
    for (const [context, read] of this.reads) {
      if (read.node === node.id && read.index !== undefined && read.index <= node.appliedIndex) this.finishRead(context, read);
    }
  }

  private onReadState(node: SimNode, rs: ReadState): void {
    const read = this.reads.get(rs.context);
    if (!read || read.node !== node.id) return;
    read.index = rs.index;
    if (rs.index <= node.appliedIndex) this.finishRead(rs.context, read);
  }

  private finishRead(context: string, read: PendingRead): void {
    checkRead(read.index!, read.highestAckedAtStart, read.node);
    this.reads.delete(context);
    this.readsDone++;
  }

  // ---- the end ---------------------------------------------------------------------------

  private healAndCheckLiveness(): void {
    this.net.heal();
    this.net.faults = { loss: 0, duplicate: 0, maxDelay: 1 };
    for (const id of this.members) {
      const n = this.nodes.get(id)!;
      if (!n.up) {
        n.start();
        this.checker.checkStateMachine(n.id, n.applied);
      }
    }
    this.trace('heal all, restart all');
    const limit = this.now + (this.opts.livenessTicks ?? 40 * ELECTION_TICK);
    const probe = `final-${this.opts.seed}`;
    let proposed = false;
    let lastTry = -Infinity;
    for (; this.now < limit; this.now++) {
      this.step();
      const lead = this.leader();
      // Like a client, retry if the proposal may have been lost to a leader change.
      if (lead && this.now - lastTry >= 5 * ELECTION_TICK && lead.propose(probe)) {
        proposed = true;
        lastTry = this.now;
      }
      if (proposed && this.converged(probe)) {
        this.checkDurability();
        return;
      }
    }
    throw new LivenessFailure(
      `no convergence within ${limit} ticks after healing: leader ${this.leader()?.id ?? 'none'}, members ${this.members
        .map((id) => {
          const c = this.nodes.get(id)!.core;
          return `${id}(${c.role} t${c.term} c${c.commit} a${c.applied} last${c.lastIndex})`;
        })
        .join(' ')}`,
    );
  }

  /** Every current voter and learner has applied `probe`. */
  private converged(probe: string): boolean {
    const lead = this.leader();
    if (!lead) return false;
    const conf = lead.core.confState();
    const expected = [...conf.voters, ...conf.learners];
    return expected.every((id) => {
      const n = this.nodes.get(id);
      return n?.up && [...n.applied.values()].includes(probe);
    });
  }

  /** Every acknowledged command is in the final state of the leader's state machine. */
  private checkDurability(): void {
    const lead = this.leader()!;
    for (const [command, index] of this.acked) {
      if (lead.applied.get(index) !== command) {
        throw new InvariantViolation('durability', `"${command}" was acknowledged at index ${index} but the leader's state has "${lead.applied.get(index)}"`);
      }
    }
  }

  private result(size: number, ok: boolean, error?: string): ScenarioResult {
    const installed = [...this.nodes.values()].reduce((s, n) => s + n.snapshotsInstalled, 0);
    return {
      seed: this.opts.seed,
      ok,
      error,
      clusterSize: size,
      ticks: this.now,
      committed: this.checker.highestCommitted,
      acknowledged: this.acked.size,
      reads: this.readsDone,
      crashes: this.crashes,
      membershipChanges: this.membershipChanges,
      snapshotsInstalled: installed,
      digest: (this.digest >>> 0).toString(16).padStart(8, '0'),
    };
  }

  private trace(line: string): void {
    this.mix(line);
    this.opts.trace?.(`[${this.now}] ${line}`);
  }

  /** FNV-1a over the trace, so two runs of a seed can be compared cheaply. */
  private mix(text: string): void {
    let h = this.digest;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    this.digest = h;
  }
}

export class LivenessFailure extends Error {
  constructor(message: string) {
    super(`liveness: ${message}`);
    this.name = 'LivenessFailure';
  }
}

export function runSeed(seed: number, trace?: (line: string) => void): ScenarioResult {
  return new Scenario({ seed, trace }).run();
}
