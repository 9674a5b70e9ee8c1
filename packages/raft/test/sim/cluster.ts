import { StateRole, type ConfChange, type Message, type NodeId, type ReadState, type Ready, type RestoredState } from '../../src/core/index.js';
import { InvariantViolation, SafetyChecker, checkPersistedBeforeSend, type NodeView } from './checkers.js';
import { ClientHistory } from './client-history.js';
import { Network } from './network.js';
import type { Prng } from './prng.js';
import { ELECTION_TICK, SimNode, type SimNodeEvents, type SimNodeOptions } from './sim-node.js';
import { Trace, describeMessage } from './trace.js';

/** Counters a run reports, to show that it exercised what it claims to. */
export interface ClusterStats {
  elections: number;
  crashes: number;
  restarts: number;
  retired: number;
  membershipChanges: number;
  transfers: number;
  refused: number;
}

/**
 * The simulated cluster: the nodes, the network between them and the logical clock.
 * It moves the world one tick at a time, delivers messages, plays the transport's part
 * (reporting snapshots and unreachable peers, refusing removed members) and hands
 * everything the nodes do to the checkers.
 */
export class SimCluster {
  readonly nodes = new Map<NodeId, SimNode>();
  /** Nodes that have not been retired, in the order they were created. */
  members: NodeId[] = [];
  readonly net: Network;
  readonly checker = new SafetyChecker();
  readonly history = new ClientHistory();
  readonly stats: ClusterStats = { elections: 0, crashes: 0, restarts: 0, retired: 0, membershipChanges: 0, transfers: 0, refused: 0 };
  now = 0;
  private nextNodeNumber = 1;
  /** Nodes to stop for good at a given tick (etcd stops a removed member after a short delay). */
  private readonly retiring = new Map<NodeId, number>();
  private snapshotReports: { from: NodeId; to: NodeId; ok: boolean }[] = [];
  private unreachable: { from: NodeId; to: NodeId }[] = [];
  private readonly events: SimNodeEvents;

  constructor(
    private readonly rng: Prng,
    readonly trace: Trace,
  ) {
    this.net = new Network(rng.fork());
    this.events = {
      applied: (n, index, command, replay) => this.onApplied(n, index, command, replay),
      confApplied: (n, cc, index) => this.onConfApplied(n, cc, index),
      readState: (n, rs) => this.onReadState(n, rs),
      send: (n, messages) => this.onSend(n, messages),
      afterReady: (n, rd) => this.afterReady(n, rd),
    };
  }

  newId(): NodeId {
    return `n${this.nextNodeNumber++}`;
  }

  /** Creates a node and starts it, from `initial` or (for a member added later) empty. */
  addNode(id: NodeId, options: SimNodeOptions, initial?: RestoredState): SimNode {
    const node = new SimNode(id, this.rng.fork(), this.events, options);
    this.nodes.set(id, node);
    this.members.push(id);
    node.start(initial);
    this.event(`start ${id}${options.durableStateMachine ? ' durable-sm' : ''} snapshot-every ${options.snapshotEvery}`);
    return node;
  }

  node(id: NodeId): SimNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  /** Members that are running. */
  upMembers(): SimNode[] {
    const out: SimNode[] = [];
    for (const id of this.members) {
      const n = this.node(id);
      if (n.up) out.push(n);
    }
    return out;
  }

  /** Members that are up and not paused: the ones a client can talk to. */
  responsiveMembers(): SimNode[] {
    return this.upMembers().filter((n) => !this.paused(n));
  }

  /** The leader of the highest term among running nodes. */
  leader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const n of this.nodes.values()) if (n.isLeader && (!best || n.core.term > best.core.term)) best = n;
    return best;
  }

  crash(id: NodeId): void {
    const n = this.node(id);
    const loss = n.disk.unsyncedLoss();
    if (loss) throw new InvariantViolation('durability', `${id} crashed with unsynced ${loss}`);
    n.crash();
    this.net.disconnect(id);
    this.history.forget(id);
    this.stats.crashes++;
    this.event(`crash ${id}`);
  }

  restart(id: NodeId): void {
    const n = this.node(id);
    n.start();
    this.checker.checkStateMachine(id, n.sm.commands);
    this.stats.restarts++;
    const c = n.core;
    this.event(`restart ${id} term ${c.term} commit ${c.commit} applied ${c.applied} last ${c.lastIndex} snapshot ${c.snapshotMetadata().index}`);
  }

  event(text: string): void {
    this.trace.event(this.now, text);
  }

  // ---- one tick ------------------------------------------------------------------------

  /** Advances the clock one tick: timers fire, due messages arrive, then every property is checked. */
  step(): void {
    this.retireDue();
    for (const n of this.upMembers()) if (!this.paused(n)) n.core.tick();
    // Deliver what is due, letting answers sent without delay arrive in the same tick.
    for (let round = 0; round < 4; round++) {
      this.processAll();
      const due = this.net.due(this.now);
      if (due.length === 0) break;
      for (const m of due) this.deliver(m);
    }
    this.processAll();
    this.reportToSenders();
    this.checker.check(this.views());
  }

  private processAll(): void {
    for (const n of this.nodes.values()) if (n.up && !this.paused(n)) n.process();
  }

  private paused(n: SimNode): boolean {
    return n.pausedUntil > this.now;
  }

  /** Freezes a running node for `ticks`: its timers stop and what is sent to it waits. */
  pause(id: NodeId, ticks: number): void {
    const n = this.node(id);
    n.pausedUntil = this.now + ticks;
    this.event(`pause ${id} for ${ticks} ticks`);
  }

  private deliver(m: Message): void {
    const to = this.nodes.get(m.to);
    if (!to?.up) return;
    if (this.paused(to)) {
      this.net.postpone(m, to.pausedUntil);
      return;
    }
    if (to.sm.removed.has(m.from)) {
      // etcd's transport refuses a removed member, which then stops itself.
      this.event(`refuse ${m.from}>${m.to} ${m.type}: ${m.from} was removed`);
      this.scheduleRetirement(m.from, this.now);
      return;
    }
    this.event(`deliver ${describeMessage(m)}`);
    to.core.step(m);
  }

  /** What a real transport tells the sender: how a snapshot went, and that a peer could not be reached. */
  private reportToSenders(): void {
    const snapshots = this.snapshotReports;
    const unreachable = this.unreachable;
    this.snapshotReports = [];
    this.unreachable = [];
    for (const { from, to, ok } of snapshots) {
      const n = this.node(from);
      if (!n.up) continue;
      n.core.reportSnapshot(to, ok);
      if (!ok) n.core.reportUnreachable(to);
    }
    for (const { from, to } of unreachable) {
      const n = this.node(from);
      if (n.up) n.core.reportUnreachable(to);
    }
    this.processAll();
  }

  private views(): NodeView[] {
    const out: NodeView[] = [];
    for (const n of this.nodes.values()) if (n.up) out.push(viewOf(n));
    return out;
  }

  // ---- retirement of removed members -------------------------------------------------------

  private scheduleRetirement(id: NodeId, at: number): void {
    const n = this.nodes.get(id);
    if (!n || n.retired) return;
    const known = this.retiring.get(id);
    if (known === undefined || at < known) this.retiring.set(id, at);
  }

  private retireDue(): void {
    for (const [id, at] of this.retiring) {
      if (at > this.now) continue;
      this.retiring.delete(id);
      this.node(id).retire();
      this.members = this.members.filter((m) => m !== id);
      this.net.disconnect(id);
      this.history.forget(id);
      this.stats.retired++;
      this.event(`retire ${id}`);
    }
  }

  // ---- what nodes report -------------------------------------------------------------------

  private onSend(from: SimNode, messages: readonly Message[]): void {
    const durable = from.disk.restore();
    for (const m of messages) {
      checkPersistedBeforeSend(m, durable);
      const outcome = this.net.send(m, this.now);
      if (outcome !== 'queued') this.event(`${outcome} ${describeMessage(m)}`);
      // A snapshot lost on the way is reported as sent: the follower's silence then looks
      // like an unreachable peer, as it would over a real connection.
      if (m.type === 'snap') this.snapshotReports.push({ from: from.id, to: m.to, ok: outcome !== 'cut' });
      else if (outcome === 'cut') this.unreachable.push({ from: from.id, to: m.to });
    }
  }

  private onApplied(node: SimNode, index: number, command: string | undefined, replay: boolean): void {
    if (command === undefined) return;
    this.checker.recordApplied(node.id, index, command);
    if (replay) return;
    this.event(`${node.id} apply ${index} ${command}`);
    this.history.applied(node.id, index, command);
  }

  private onConfApplied(node: SimNode, cc: ConfChange, index: number): void {
    this.event(`${node.id} apply ${index} ${cc.type} ${cc.nodeId}`);
    if (cc.type === 'removeNode' && cc.nodeId === node.id) this.scheduleRetirement(node.id, this.now + ELECTION_TICK);
  }

  private onReadState(node: SimNode, rs: ReadState): void {
    this.event(`${node.id} read ${rs.context} at ${rs.index} (applied ${node.sm.index})`);
    this.history.readAnswered(node.id, rs.context, rs.index, node.sm.index);
  }

  private afterReady(node: SimNode, rd: Ready): void {
    if (rd.softState) {
      this.event(`${node.id} is ${rd.softState.role} of term ${node.core.term}, lead ${rd.softState.lead || 'none'}`);
      if (rd.softState.role === StateRole.Leader) this.stats.elections++;
    }
    if (rd.snapshot) {
      this.event(`${node.id} installed snapshot at ${rd.snapshot.metadata.index}`);
      this.checker.checkStateMachine(node.id, node.sm.commands);
    }
    this.checker.observe(viewOf(node));
    this.history.caughtUp(node.id, node.sm.index);
  }
}

function viewOf(n: SimNode): NodeView {
  const c = n.core;
  return { id: n.id, term: c.term, isLeader: n.isLeader, commit: c.commit, entries: c.logEntries(), snapshotIndex: c.snapshotMetadata().index };
}
