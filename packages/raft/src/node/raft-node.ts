import { randomBytes } from 'node:crypto';
import {
  EntryType,
  RaftCore,
  RaftError,
  StateRole,
  decodeConfChange,
  type ConfChange,
  type ConfState,
  type Entry,
  type Message,
  type NodeId,
  type RaftConfig,
  type RaftStatus,
  type Ready,
  type RestoredState,
} from '../core/index.js';
import type { LogStorage } from '../storage/index.js';
import type { Transport } from '../transport/index.js';
import { silentLogger, type Logger } from '../logger.js';
import type { AppliedEntry, StateMachine } from './state-machine.js';
import { frameProposal, sameOrigin, unframeProposal } from './proposal-frame.js';
import { unwrapSnapshot, wrapSnapshot } from './snapshot-envelope.js';
import { bootstrapLog, decodePeerUrls, encodePeerUrls, peerUrlsOf, transportUrl, type PeerAddress, type PeerUrls } from './peer-urls.js';
import { NodeMetrics } from './node-metrics.js';

export type CoreTuning = Pick<
  RaftConfig,
  | 'maxSizePerMsg'
  | 'maxInflightMsgs'
  | 'maxUncommittedEntriesSize'
  | 'preVote'
  | 'checkQuorum'
  | 'readOnlyOption'
  | 'disableProposalForwarding'
>;

export interface RaftNodeOptions<R> {
  readonly id: NodeId;
  /** Opened by RaftNode at start and closed at stop. */
  readonly storage: LogStorage;
  /** Already started (its URL is part of the cluster's configuration); stopped by RaftNode at stop. */
  readonly transport: Transport;
  readonly stateMachine: StateMachine<R>;
  /**
   * A new cluster's founding members and their peer URLs (one or several; the transport
   * sends to the lowest, see transportUrl), this node included. Ignored on restart.
   */
  readonly initialCluster?: ReadonlyMap<NodeId, PeerAddress>;
  /** Peer URLs of an existing cluster this node joins (it waits to be contacted by the leader). */
  readonly peers?: ReadonlyMap<NodeId, PeerAddress>;
  /** Milliseconds per tick. Default 100 (etcd's heartbeat interval). */
  readonly tickMs?: number;
  /** Election timeout in ticks. Default 10 (etcd's 1000 ms). */
  readonly electionTick?: number;
  readonly heartbeatTick?: number;
  /** Applied entries between snapshots. Default 10,000. */
  readonly snapshotEntries?: number;
  /** A proposal or read not done by then fails with RaftError('Timeout'). Default 3 election timeouts. */
  readonly requestTimeoutMs?: number;
  /** Proposals waiting to be applied before new ones are refused (back-pressure). Default 20,000. */
  readonly maxPendingProposals?: number;
  /** Randomness for election timeouts; a seeded source makes elections reproducible. */
  readonly random?: () => number;
  readonly core?: CoreTuning;
  readonly logger?: Logger;
}

export interface ProposalResult<R> {
  readonly index: number;
  readonly term: number;
  readonly result: R;
}

interface Waiter<T> {
  readonly resolve: (v: T) => void;
  readonly reject: (e: Error) => void;
  readonly deadline: number;
}

interface ReadRound {
  readonly waiters: Waiter<number>[];
  index: number;
}

/**
 * The driver around a RaftCore: one loop owns the core and, for each Ready, persists
 * (one LevelDB batch, synced when Raft needs it, so every proposal that arrived during
 * the previous fsync shares the next one), then sends, then applies, then advances.
 * Ticks, peer messages and proposals that arrive while a Ready is in progress queue up
 * and are fed to the core together afterwards.
 */
export class RaftNode<R = unknown> {
  readonly id: NodeId;
  readonly metrics = new NodeMetrics();
  private core!: RaftCore;
  private readonly opts: RaftNodeOptions<R>;
  private readonly log: Logger;
  private readonly tickMs: number;
  private readonly electionTick: number;
  private readonly requestTimeoutMs: number;
  private readonly origin = new Uint8Array(randomBytes(8));
  private seq = 0;
  /** Every node's peer URLs, as the latest conf change (or snapshot) gave them. */
  private peers = new Map<NodeId, PeerUrls>();

  // Inputs gathered while the loop is busy; consumed at the top of each iteration.
  private pendingTicks = 0;
  private inbox: Message[] = [];
  private outgoingProposals: { seq: number; data: Uint8Array }[] = [];
  private newReadWaiters: Waiter<number>[] = [];

  private readonly proposalWaiters = new Map<number, Waiter<ProposalResult<R>>>();
  private confWaiter: { cc: ConfChange; waiter: Waiter<ConfState> } | undefined;
  private readonly readRounds = new Map<string, ReadRound>();
  private readsAwaitingApply: ReadRound[] = [];
  private readSeq = 0;
  private transferWaiters: { to: NodeId; waiter: Waiter<void> }[] = [];
  private leaderListeners: ((lead: NodeId, term: number) => void)[] = [];

  private snapshotIndex = 0;
  private running = false;
  private failed: Error | undefined;
  private wake: (() => void) | undefined;
  private loopDone: Promise<void> = Promise.resolve();
  private ticker: NodeJS.Timeout | undefined;

  constructor(opts: RaftNodeOptions<R>) {
    this.opts = opts;
    this.id = opts.id;
    this.log = (opts.logger ?? silentLogger).child({ component: 'raft', member: opts.id });
    this.tickMs = opts.tickMs ?? 100;
    this.electionTick = opts.electionTick ?? 10;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 3 * this.electionTick * this.tickMs;
  }

  // ---- lifecycle ----------------------------------------------------------------------

  /** Recovers from storage exactly as last synced, then starts ticking and serving. */
  async start(): Promise<void> {
    const { storage, stateMachine: sm } = this.opts;
    let restored = await storage.open();
    const fresh = restored.hardState.term === 0 && restored.entries.length === 0 && !restored.snapshot;
    if (fresh && this.opts.initialCluster) {
      // The founding membership goes into the log (with peer URLs), synced before anything else.
      restored = bootstrapLog(this.opts.initialCluster);
      await storage.save({ hardState: restored.hardState, entries: restored.entries }, true);
    }

    for (const [id, address] of this.opts.initialCluster ?? []) this.peers.set(id, peerUrlsOf(address));
    for (const [id, address] of this.opts.peers ?? []) this.peers.set(id, peerUrlsOf(address));
    let applied = 0;
    if (restored.snapshot) {
      const { peers, snapshot } = unwrapSnapshot(restored.snapshot);
      this.peers = new Map([...this.peers, ...peers]);
      this.snapshotIndex = snapshot.metadata.index;
      const appIndex = sm.appliedIndex?.() ?? 0;
      if (appIndex < snapshot.metadata.index) await sm.restore(snapshot);
      applied = Math.max(appIndex, snapshot.metadata.index);
    } else {
      applied = sm.appliedIndex?.() ?? 0;
    }
    // Peer URLs travel in conf change entries; learn them from everything committed.
    for (const e of restored.entries) {
      if (e.index > restored.hardState.commit) break;
      if (e.type === EntryType.ConfChange) this.learnPeer(decodeConfChange(e.data));
    }

    this.core = new RaftCore(
      {
        ...this.opts.core,
        id: this.id,
        electionTick: this.electionTick,
        heartbeatTick: this.opts.heartbeatTick ?? 1,
        random: this.opts.random ?? Math.random,
        applied,
      },
      restored as RestoredState,
    );
    const { transport } = this.opts;
    for (const [id, urls] of this.peers) {
      const url = transportUrl(urls);
      if (id !== this.id && url) transport.addPeer(id, url);
    }
    transport.onMessage((m) => this.enqueueMessage(m));
    transport.onUnreachable((peer) => this.core.reportUnreachable(peer));
    transport.onSnapshotStatus((peer, ok) => this.core.reportSnapshot(peer, ok));

    this.running = true;
    this.ticker = setInterval(() => {
      this.pendingTicks++;
      this.expireRequests(Date.now());
      this.kick();
    }, this.tickMs);
    this.loopDone = this.loop();
    this.log.info('raft node started', {
      term: restored.hardState.term,
      commit: restored.hardState.commit,
      lastIndex: this.core.lastIndex,
      applied,
      voters: this.core.confState().voters,
    });
  }

  /** Stops the loop, fails every waiting request, stops the transport and closes storage. */
  async stop(): Promise<void> {
    if (!this.running && !this.ticker) return;
    this.running = false;
    clearInterval(this.ticker);
    this.ticker = undefined;
    this.kick();
    await this.loopDone;
    this.failAll(new RaftError('Stopped', 'raft node stopped'));
    await this.opts.transport.stop();
    await this.opts.storage.close();
    this.log.info('raft node stopped');
  }

  // ---- requests -----------------------------------------------------------------------

  /** Replicates `payload`; resolves with the state machine's result once applied on this node. */
  propose(payload: Uint8Array): Promise<ProposalResult<R>> {
    const down = this.notRunning();
    if (down) return Promise.reject(down);
    if (this.proposalWaiters.size >= (this.opts.maxPendingProposals ?? 20_000)) {
      return Promise.reject(new RaftError('ProposalDropped', 'too many pending proposals'));
    }
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.proposalWaiters.set(seq, { resolve, reject, deadline: Date.now() + this.requestTimeoutMs });
      this.outgoingProposals.push({ seq, data: frameProposal(this.origin, seq, payload) });
      this.kick();
    });
  }

  /**
   * Proposes a membership change; resolves with the new configuration once applied here.
   * For an added or updated node, `urls` are its peer URLs, recorded in the entry for every
   * member (the transport sends to the lowest, see transportUrl).
   */
  proposeConfChange(cc: { type: ConfChange['type']; nodeId: NodeId; urls?: PeerUrls }): Promise<ConfState> {
    const down = this.notRunning();
    if (down) return Promise.reject(down);
    if (this.confWaiter) return Promise.reject(new RaftError('ConfChangePending', 'a membership change is in progress'));
    const change: ConfChange =
      cc.urls && cc.urls.length > 0 ? { type: cc.type, nodeId: cc.nodeId, context: new TextEncoder().encode(encodePeerUrls(cc.urls)) } : { type: cc.type, nodeId: cc.nodeId };
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject, deadline: Date.now() + this.requestTimeoutMs };
      try {
        this.core.proposeConfChange(change);
      } catch (err) {
        reject(err as Error);
        return;
      }
      this.confWaiter = { cc: change, waiter };
      this.kick();
    });
  }

  /**
   * Linearizable read barrier (ReadIndex, batched): resolves once this node has applied
   * everything committed before the call, so a local read that follows is linearizable.
   */
  readIndex(): Promise<number> {
    const down = this.notRunning();
    if (down) return Promise.reject(down);
    return new Promise((resolve, reject) => {
      this.newReadWaiters.push({ resolve, reject, deadline: Date.now() + this.requestTimeoutMs });
      this.kick();
    });
  }

  /** Hands leadership to `to`; resolves when this node sees `to` as the leader. */
  transferLeadership(to: NodeId): Promise<void> {
    const down = this.notRunning();
    if (down) return Promise.reject(down);
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject, deadline: Date.now() + this.electionTick * this.tickMs * 2 };
      if (this.core.lead === to) return resolve();
      try {
        this.core.transferLeadership(to);
      } catch (err) {
        reject(err as Error);
        return;
      }
      this.transferWaiters.push({ to, waiter });
      this.kick();
    });
  }

  /** Starts an election at once instead of waiting for the timeout. */
  campaign(): void {
    this.core.campaign();
    this.kick();
  }

  onLeaderChange(listener: (lead: NodeId, term: number) => void): void {
    this.leaderListeners.push(listener);
  }

  status(): RaftStatus & { readonly lastIndex: number; readonly snapshotIndex: number } {
    return { ...this.core.status(), lastIndex: this.core.lastIndex, snapshotIndex: this.snapshotIndex };
  }

  /** The current term, without building a full status (it is read for every response header). */
  get term(): number {
    return this.core.term;
  }

  get leaderId(): NodeId {
    return this.core.lead;
  }

  get isLeader(): boolean {
    return this.core.role === StateRole.Leader;
  }

  confState(): ConfState {
    return this.core.confState();
  }

  /** Where the transport reaches `id`: the lowest of its peer URLs. */
  peerUrl(id: NodeId): string | undefined {
    const urls = this.peers.get(id);
    return urls && transportUrl(urls);
  }

  /** Every peer URL `id` was given, in the order given. */
  peerUrls(id: NodeId): PeerUrls | undefined {
    return this.peers.get(id);
  }

  // ---- the loop -----------------------------------------------------------------------

  private enqueueMessage(m: Message): void {
    if (!this.running) return;
    this.inbox.push(m);
    this.kick();
  }

  private kick(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private hasInput(): boolean {
    return (
      this.pendingTicks > 0 || this.inbox.length > 0 || this.outgoingProposals.length > 0 || this.newReadWaiters.length > 0
    );
  }

  private async loop(): Promise<void> {
    try {
      while (this.running) {
        this.feedCore();
        if (this.core.hasReady()) {
          const rd = this.core.ready();
          await this.handleReady(rd);
          this.core.advance(rd);
          this.afterAdvance(rd);
          await this.maybeSnapshot();
          continue;
        }
        if (this.hasInput()) continue;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } catch (err) {
      // Storage or the state machine failed: continuing could acknowledge what is not durable.
      this.failed = err as Error;
      this.running = false;
      clearInterval(this.ticker);
      this.log.error('raft loop failed; node stopped', { err: err as Error });
      this.failAll(new RaftError('Stopped', `raft node failed: ${(err as Error).message}`));
    }
  }

  /** Feeds everything that arrived since the last Ready into the core. */
  private feedCore(): void {
    for (; this.pendingTicks > 0; this.pendingTicks--) this.core.tick();
    const inbox = this.inbox;
    this.inbox = [];
    for (const m of inbox) this.core.step(m);

    if (this.outgoingProposals.length > 0) {
      const batch = this.outgoingProposals;
      this.outgoingProposals = [];
      try {
        this.core.proposeBatch(batch.map((p) => p.data));
      } catch (err) {
        for (const p of batch) this.settleProposal(p.seq, err as Error);
      }
    }

    if (this.newReadWaiters.length > 0) {
      const waiters = this.newReadWaiters;
      this.newReadWaiters = [];
      // The origin makes the context unique across restarts: a read of a previous life still
      // pending at the leader (or its answer still in flight) must not answer a new one.
      const context = `${this.id}/${Buffer.from(this.origin).toString('hex')}/${++this.readSeq}`;
      try {
        this.readRounds.set(context, { waiters, index: 0 });
        this.core.readIndex(context);
      } catch (err) {
        this.readRounds.delete(context);
        for (const w of waiters) w.reject(err as Error);
      }
    }
  }

  private async handleReady(rd: Ready): Promise<void> {
    const { storage, transport, stateMachine: sm } = this.opts;
    if (rd.softState) this.onSoftState(rd.softState.lead, rd.softState.role);

    // A leader's appends and heartbeats leave before its own write, so followers persist in
    // parallel with it (Raft thesis 10.2.1; etcd does the same). Safe because the leader's
    // own entries count towards a commit only once this loop has seen their acknowledgements,
    // which it reads after the write below has finished.
    const early = this.isLeader ? rd.messages.filter((m) => m.type === 'app' || m.type === 'heartbeat') : [];
    if (early.length > 0) transport.send(early);
    if (rd.hardState || rd.entries.length > 0 || rd.snapshot) {
      const started = performance.now();
      await storage.save({ hardState: rd.hardState, entries: rd.entries, snapshot: rd.snapshot }, rd.mustSync);
      this.metrics.observePersist(performance.now() - started, rd.entries.length, rd.mustSync);
    }
    // Only now may the rest leave: votes and acknowledgements promise what is on disk.
    const rest = early.length > 0 ? rd.messages.filter((m) => m.type !== 'app' && m.type !== 'heartbeat') : rd.messages;
    if (rest.length > 0) transport.send(rest);

    if (rd.snapshot) {
      const { peers, snapshot } = unwrapSnapshot(rd.snapshot);
      await sm.restore(snapshot);
      this.snapshotIndex = snapshot.metadata.index;
      this.setPeers(peers);
      this.metrics.snapshotsInstalled++;
      this.log.info('installed snapshot', { index: snapshot.metadata.index, term: snapshot.metadata.term });
    }
    if (rd.committedEntries.length > 0) await this.applyEntries(rd.committedEntries);

    for (const rs of rd.readStates) {
      const round = this.readRounds.get(rs.context);
      if (!round) continue;
      this.readRounds.delete(rs.context);
      round.index = rs.index;
      this.readsAwaitingApply.push(round);
    }
  }

  private async applyEntries(entries: readonly Entry[]): Promise<void> {
    const applied: AppliedEntry[] = [];
    const tags: ({ seq: number } | undefined)[] = [];
    for (const e of entries) {
      if (e.type === EntryType.ConfChange) {
        const cc = decodeConfChange(e.data);
        applied.push({ index: e.index, term: e.term, kind: 'confChange', payload: e.data, confChange: cc });
        tags.push(undefined);
        continue;
      }
      const { tag, payload } = unframeProposal(e.data);
      applied.push({ index: e.index, term: e.term, kind: tag ? 'normal' : 'noop', payload });
      tags.push(tag && sameOrigin(tag.origin, this.origin) ? { seq: tag.seq } : undefined);
    }
    const results = await this.opts.stateMachine.apply(applied);
    for (let i = 0; i < applied.length; i++) {
      const a = applied[i];
      const tag = tags[i];
      if (tag) {
        const w = this.proposalWaiters.get(tag.seq);
        if (w) {
          this.proposalWaiters.delete(tag.seq);
          w.resolve({ index: a.index, term: a.term, result: results[i] });
        }
      }
      if (a.confChange) this.learnPeer(a.confChange);
    }
    this.metrics.entriesApplied += applied.length;
  }

  private afterAdvance(rd: Ready): void {
    const applied = this.core.applied;
    // Conf changes took effect in advance(): update the transport and the caller.
    for (const e of rd.committedEntries) {
      if (e.type !== EntryType.ConfChange) continue;
      const cc = decodeConfChange(e.data);
      if (cc.type === 'removeNode' && cc.nodeId !== this.id) this.opts.transport.removePeer(cc.nodeId);
      const pending = this.confWaiter;
      if (pending && pending.cc.type === cc.type && pending.cc.nodeId === cc.nodeId) {
        this.confWaiter = undefined;
        pending.waiter.resolve(this.core.confState());
      }
    }
    if (this.readsAwaitingApply.length > 0) {
      const still: ReadRound[] = [];
      for (const r of this.readsAwaitingApply) {
        if (r.index <= applied) for (const w of r.waiters) w.resolve(r.index);
        else still.push(r);
      }
      this.readsAwaitingApply = still;
    }
    if (this.transferWaiters.length > 0) {
      const lead = this.core.lead;
      this.transferWaiters = this.transferWaiters.filter(({ to, waiter }) => {
        if (lead !== to) return true;
        waiter.resolve();
        return false;
      });
    }
  }

  private async maybeSnapshot(): Promise<void> {
    const every = this.opts.snapshotEntries ?? 10_000;
    const applied = this.core.applied;
    if (applied - this.snapshotIndex < every) return;
    const data = await this.opts.stateMachine.snapshot();
    const snapshot = this.core.compact(applied, wrapSnapshot(this.peers, data));
    await this.opts.storage.save({ entries: [], snapshot }, true);
    this.snapshotIndex = applied;
    this.metrics.snapshotsTaken++;
    this.log.info('took snapshot', { index: applied, bytes: snapshot.data.byteLength });
  }

  private onSoftState(lead: NodeId, role: StateRole): void {
    this.metrics.leaderChanges++;
    this.log.info('role changed', { role, lead, term: this.core.term });
    for (const l of this.leaderListeners) l(lead, this.core.term);
  }

  private learnPeer(cc: ConfChange): void {
    if (cc.type === 'removeNode') {
      this.peers.delete(cc.nodeId);
      return;
    }
    if (!cc.context || cc.context.byteLength === 0) return;
    const urls = decodePeerUrls(new TextDecoder().decode(cc.context));
    const url = transportUrl(urls);
    if (!url) return;
    const known = this.peerUrl(cc.nodeId);
    this.peers.set(cc.nodeId, urls);
    if (!this.core || cc.nodeId === this.id || known === url) return;
    if (known === undefined) this.opts.transport.addPeer(cc.nodeId, url);
    else this.opts.transport.updatePeer(cc.nodeId, url);
  }

  private setPeers(peers: ReadonlyMap<NodeId, PeerUrls>): void {
    const { transport } = this.opts;
    for (const id of this.peers.keys()) if (!peers.has(id) && id !== this.id) transport.removePeer(id);
    for (const [id, urls] of peers) {
      const url = transportUrl(urls);
      if (id === this.id || !url) continue;
      const known = this.peerUrl(id);
      if (known === undefined) transport.addPeer(id, url);
      else if (known !== url) transport.updatePeer(id, url);
    }
    this.peers = new Map(peers);
  }

  // ---- failures -----------------------------------------------------------------------

  private settleProposal(seq: number, err: Error): void {
    const w = this.proposalWaiters.get(seq);
    if (!w) return;
    this.proposalWaiters.delete(seq);
    this.metrics.proposalsFailed++;
    w.reject(err);
  }

  /** Fails requests past their deadline. Waiters are kept in deadline order, so this stops early. */
  private expireRequests(now: number): void {
    const timeout = (what: string) => new RaftError('Timeout', `${what} timed out after ${this.requestTimeoutMs} ms`);
    for (const [seq, w] of this.proposalWaiters) {
      if (w.deadline > now) break;
      this.settleProposal(seq, timeout('proposal'));
    }
    for (const [ctx, round] of this.readRounds) {
      if (round.waiters[0].deadline > now) break;
      this.readRounds.delete(ctx);
      for (const w of round.waiters) w.reject(timeout('read index'));
    }
    this.readsAwaitingApply = this.readsAwaitingApply.filter((r) => {
      if (r.waiters[0].deadline > now) return true;
      for (const w of r.waiters) w.reject(timeout('read index'));
      return false;
    });
    if (this.confWaiter && this.confWaiter.waiter.deadline <= now) {
      this.confWaiter.waiter.reject(timeout('membership change'));
      this.confWaiter = undefined;
    }
    this.transferWaiters = this.transferWaiters.filter(({ waiter }) => {
      if (waiter.deadline > now) return true;
      waiter.reject(new RaftError('Timeout', 'leadership transfer timed out'));
      return false;
    });
  }

  private failAll(err: Error): void {
    for (const [seq] of this.proposalWaiters) this.settleProposal(seq, err);
    for (const r of this.readRounds.values()) for (const w of r.waiters) w.reject(err);
    this.readRounds.clear();
    for (const r of this.readsAwaitingApply) for (const w of r.waiters) w.reject(err);
    this.readsAwaitingApply = [];
    for (const w of this.newReadWaiters) w.reject(err);
    this.newReadWaiters = [];
    this.confWaiter?.waiter.reject(err);
    this.confWaiter = undefined;
    for (const { waiter } of this.transferWaiters) waiter.reject(err);
    this.transferWaiters = [];
  }

  private notRunning(): RaftError | undefined {
    if (this.failed) return new RaftError('Stopped', `raft node failed: ${this.failed.message}`);
    if (!this.running) return new RaftError('Stopped', 'raft node is not running');
    return undefined;
  }
}
