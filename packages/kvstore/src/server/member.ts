import { randomBytes } from 'node:crypto';
import { ClassicLevel } from 'classic-level';
import { HttpTransport, LevelLogStorage, RaftError, RaftNode, silentLogger, transportUrl, type Logger, type NodeId } from '@flotilla/raft';
import { ETCD_ERRORS, EtcdError } from '../errors/index.js';
import { Lessor, type LeaseTimeToLive } from '../lease/index.js';
import {
  MvccStore,
  type DeleteRangeRequest,
  type DeleteRangeResult,
  type KvEvent,
  type PutRequest,
  type PutResult,
  type RangeRequest,
  type RangeResult,
  type TxnRequest,
  type TxnResult,
} from '../mvcc/index.js';
import { AutoCompactor } from './auto-compactor.js';
import { LeaderLoss } from './leader-loss.js';
import { openMemberDb, readIdentity, writeIdentity } from './data-dir.js';
import { clusterId, memberId } from './identity.js';
import { KvStateMachine, type ApplyResult } from './kv-state-machine.js';
import type { AlarmMember } from './alarm-store.js';
import type { WatchSource } from '../watch/types.js';
import { SNAPSHOT_FORMAT, encodeSnapshotFile } from './snapshot-file.js';
import { encodeRequest, type AlarmType, type InternalRequest } from './requests.js';

export interface MemberConfig {
  readonly name: string;
  readonly dataDir: string;
  /** Where peers reach this member; the transport listens on the lowest one's host and port (see transportUrl). */
  readonly peerUrls: readonly string[];
  readonly clientUrls: readonly string[];
  /** name → peer URLs of the founding members (new clusters only). */
  readonly initialCluster: ReadonlyMap<string, readonly string[]>;
  readonly initialClusterState: 'new' | 'existing';
  readonly initialClusterToken: string;
  readonly heartbeatIntervalMs: number;
  readonly electionTimeoutMs: number;
  readonly snapshotCount: number;
  readonly quotaBackendBytes: number;
  readonly maxTxnOps: number;
  /** etcd's --max-request-bytes: the largest proposal accepted. */
  readonly maxRequestBytes: number;
  readonly autoCompactionMode?: 'periodic' | 'revision';
  /** Milliseconds (periodic) or revisions (revision); 0 or absent disables auto-compaction. */
  readonly autoCompactionRetention?: number;
  readonly logger?: Logger;
}

export interface ResponseHeader {
  readonly clusterId: string;
  readonly memberId: string;
  readonly revision: number;
  readonly raftTerm: number;
}

export interface MemberInfo {
  readonly id: string;
  readonly name: string;
  readonly peerUrls: string[];
  readonly clientUrls: string[];
  readonly isLearner: boolean;
}

/** How often the leader looks for expired leases. */
const LEASE_CHECK_MS = 250;

/**
 * One etcd member: the key-value state machine replicated by a RaftNode, with etcd's
 * request semantics on top. Writes are proposals; linearizable reads wait on ReadIndex;
 * serializable reads are served from local state. Only the leader expires leases, and
 * it does so by proposing revokes, so every member deletes the same keys.
 */
export class Member {
  readonly id: string;
  /** The ID this member computed at its first start; the replicated one wins once known. */
  private readonly bootClusterId: string;
  readonly mvcc: MvccStore;
  readonly lessor: Lessor;
  readonly sm: KvStateMachine;
  readonly raft: RaftNode<ApplyResult>;
  readonly transport: HttpTransport;
  private readonly db: ClassicLevel<Uint8Array, Uint8Array>;
  private readonly log: Logger;
  private readonly eventListeners = new Set<(events: readonly KvEvent[], revision: number) => void>();
  /**
   * The revision of the last batch handed to watchers. The store's current revision runs
   * ahead of it while a batch is being written; watches start from this one, so a watcher
   * never replays a revision that is then announced to it again.
   */
  private emittedRevision: number;
  private leaseTimer: NodeJS.Timeout | undefined;
  private compactTimer: NodeJS.Timeout | undefined;
  private readonly compactor: AutoCompactor;
  private readonly leaderLoss = new LeaderLoss();
  private stopped = false;

  private constructor(
    readonly config: MemberConfig,
    parts: {
      id: string;
      clusterId: string;
      db: ClassicLevel<Uint8Array, Uint8Array>;
      mvcc: MvccStore;
      lessor: Lessor;
      sm: KvStateMachine;
      raft: RaftNode<ApplyResult>;
      transport: HttpTransport;
    },
  ) {
    this.id = parts.id;
    this.bootClusterId = parts.clusterId;
    this.db = parts.db;
    this.mvcc = parts.mvcc;
    this.lessor = parts.lessor;
    this.sm = parts.sm;
    this.raft = parts.raft;
    this.transport = parts.transport;
    this.emittedRevision = parts.mvcc.currentRevision;
    this.compactor = new AutoCompactor(config.autoCompactionMode ?? 'periodic', config.autoCompactionRetention ?? 0);
    this.log = (config.logger ?? silentLogger).child({ component: 'member', member: this.id });
  }

  static async start(config: MemberConfig): Promise<Member> {
    const logger = config.logger ?? silentLogger;
    // etcd sorts each member's peer URLs (types.NewURLsMap); peers send to the lowest, the first.
    const founders = [...config.initialCluster].map(([name, urls]) => ({ name, id: memberId(urls, config.initialClusterToken), urls: [...urls].sort() }));

    const memberDb = await openMemberDb(config.dataDir);
    const { root: db, raft: raftDb, kv: kvDb } = memberDb;
    // A member keeps the identity of its first start (or of a snapshot restore): its peer
    // URLs may change later (member update). Written with the first raft batch's sync; until
    // then a crash simply recomputes the same values.
    let identity = await readIdentity(memberDb);
    if (!identity) {
      const self = founders.find((f) => f.name === config.name);
      identity = { id: self?.id ?? memberId(config.peerUrls, config.initialClusterToken), cluster: clusterId(founders.map((f) => f.id)) };
      await writeIdentity(memberDb, identity);
    }
    const { id, cluster } = identity;

    const mvcc = await MvccStore.open(kvDb, { maxTxnOps: config.maxTxnOps });
    // etcd's minimum lease TTL: one and a half election timeouts, rounded up to seconds.
    const lessor = new Lessor(Math.ceil((1.5 * config.electionTimeoutMs) / 1000));
    // The state machine exists before the member that owns the listeners; events go through this.
    let member: Member | undefined;
    const sm = new KvStateMachine({
      db: kvDb,
      mvcc,
      lessor,
      quotaBytes: config.quotaBackendBytes > 0 ? config.quotaBackendBytes : 2 * 1024 ** 3,
      now: () => Date.now(),
      onEvents: (events, revision) => member?.emitEvents(events, revision),
    });
    await sm.load();

    // Peers send to the lowest of a member's URLs (raft's transportUrl), so that is where it listens.
    const peer = new URL(transportUrl(config.peerUrls) ?? config.peerUrls[0]);
    const transport = new HttpTransport({ id, host: peer.hostname, port: Number(peer.port), logger });
    await transport.start();
    const fresh = config.initialClusterState === 'new';
    const raft = new RaftNode<ApplyResult>({
      id,
      storage: new LevelLogStorage(raftDb),
      transport,
      stateMachine: sm,
      initialCluster: fresh ? new Map(founders.map((f) => [f.id, f.urls])) : undefined,
      peers: fresh ? undefined : new Map(founders.filter((f) => f.id !== id).map((f) => [f.id, f.urls])),
      tickMs: config.heartbeatIntervalMs,
      electionTick: Math.max(2, Math.round(config.electionTimeoutMs / config.heartbeatIntervalMs)),
      snapshotEntries: config.snapshotCount,
      logger,
    });
    member = new Member(config, { id, clusterId: cluster, db, mvcc, lessor, sm, raft, transport });
    const started = member;
    raft.onLeaderChange((lead) => started.onLeaderChange(lead));
    await raft.start();
    started.leaseTimer = setInterval(() => void started.expireLeases(), LEASE_CHECK_MS);
    if (started.compactor.enabled) started.compactTimer = setInterval(() => void started.autoCompact(), started.compactor.intervalMs);
    void started.publishAttributes();
    started.log.info('member started', { name: config.name, cluster: cluster, peerUrls: config.peerUrls, clientUrls: config.clientUrls });
    return started;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.leaseTimer);
    clearInterval(this.compactTimer);
    await this.raft.stop();
    await this.db.close();
  }

  private emitEvents(events: readonly KvEvent[], revision: number): void {
    this.emittedRevision = revision;
    for (const l of this.eventListeners) l(events, revision);
  }

  /** What watch sessions read: history up to the last announced batch, and the batches after it. */
  readonly watchSource: WatchSource = ((m: Member): WatchSource => ({
    get revision() {
      return m.emittedRevision;
    },
    get compactedRevision() {
      return m.mvcc.compactedRevision;
    },
    eventsSince: (key, rangeEnd, from, to) => m.mvcc.eventsSince(key, rangeEnd, from, to),
    // Compaction may have taken the value before the first replayed revision: then there is none to give.
    valueBefore: (key, revision) => (revision - 1 < m.mvcc.compactedRevision ? undefined : m.mvcc.range({ key, revision: revision - 1 }).kvs[0]),
    subscribe: (listener) => {
      m.eventListeners.add(listener);
      return () => m.eventListeners.delete(listener);
    },
  }))(this);

  get clusterId(): string {
    return this.sm.clusterId ?? this.bootClusterId;
  }

  header(revision = this.mvcc.currentRevision): ResponseHeader {
    return { clusterId: this.clusterId, memberId: this.id, revision, raftTerm: this.raft.term };
  }

  // ---- KV ----------------------------------------------------------------------------

  async range(req: RangeRequest): Promise<RangeResult> {
    if (!req.serializable) await this.linearizable();
    return this.mvcc.range(req);
  }

  async put(req: PutRequest): Promise<PutResult> {
    return (await this.propose({ op: 'put', req })) as PutResult;
  }

  async deleteRange(req: DeleteRangeRequest): Promise<DeleteRangeResult> {
    return (await this.propose({ op: 'deleteRange', req })) as DeleteRangeResult;
  }

  async txn(req: TxnRequest): Promise<TxnResult> {
    // A read-only txn is a read: it is answered after ReadIndex, without a proposal.
    if (isReadOnly(req)) {
      await this.linearizable();
      return this.mvcc.txn({ put() {}, del() {} }, req).result;
    }
    return (await this.propose({ op: 'txn', req })) as TxnResult;
  }

  async compact(revision: number): Promise<void> {
    if (revision > this.mvcc.currentRevision) throw new EtcdError('FutureRev');
    if (revision <= this.mvcc.compactedRevision) throw new EtcdError('Compacted');
    await this.propose({ op: 'compact', revision });
  }

  // ---- leases -------------------------------------------------------------------------

  async leaseGrant(ttl: number, id = 0n): Promise<{ id: bigint; ttl: number }> {
    // The proposer picks the ID, so applying the grant is deterministic.
    const chosen = id !== 0n ? id : randomBytes(8).readBigInt64BE() & 0x7fff_ffff_ffff_ffffn || 1n;
    return (await this.propose({ op: 'leaseGrant', id: chosen, ttl })) as { id: bigint; ttl: number };
  }

  async leaseRevoke(id: bigint): Promise<void> {
    await this.propose({ op: 'leaseRevoke', id });
  }

  /** A keep-alive; only the leader tracks expiry. Returns the TTL, or 0 for an unknown lease. */
  leaseKeepAlive(id: bigint): number {
    if (!this.raft.isLeader) throw new EtcdError('NotLeader');
    return this.lessor.renew(id, Date.now());
  }

  leaseTimeToLive(id: bigint): LeaseTimeToLive {
    return this.lessor.timeToLive(id, Date.now());
  }

  leaseList(): bigint[] {
    return this.lessor.list();
  }

  private async autoCompact(): Promise<void> {
    if (!this.raft.isLeader || this.stopped) return;
    const target = this.compactor.next(Date.now(), this.mvcc.currentRevision, this.mvcc.compactedRevision);
    if (target === undefined) return;
    try {
      await this.propose({ op: 'compact', revision: target });
      this.log.info('auto-compacted', { revision: target, mode: this.compactor.mode });
    } catch (err) {
      this.log.warn('auto-compaction failed', { revision: target, error: (err as Error).message });
    }
  }

  private onLeaderChange(lead: NodeId): void {
    this.leaderLoss.observe(lead);
    this.compactor.reset();
    if (lead === this.id) this.lessor.promote(Date.now(), this.config.electionTimeoutMs);
    else if (this.lessor.isPrimary) this.lessor.demote();
  }

  private async expireLeases(): Promise<void> {
    if (!this.raft.isLeader || this.stopped) return;
    for (const id of this.lessor.expired(Date.now(), 100)) {
      try {
        await this.propose({ op: 'leaseRevoke', id });
        this.log.info('lease expired', { lease: id.toString(16) });
      } catch (err) {
        // Revoked meanwhile, or leadership moved: the next leader takes over expiry.
        if (!(err instanceof EtcdError) || err.etcdName !== 'LeaseNotFound') return;
      }
    }
  }

  // ---- cluster and maintenance --------------------------------------------------------------

  memberList(): MemberInfo[] {
    const conf = this.raft.confState();
    const list = (ids: readonly string[], isLearner: boolean) =>
      ids.map((id) => {
        const attrs = this.sm.members.get(id);
        const urls = this.raft.peerUrls(id) ?? (id === this.id ? this.config.peerUrls : []);
        return { id, name: attrs?.name ?? '', peerUrls: [...urls], clientUrls: [...(attrs?.clientUrls ?? [])], isLearner };
      });
    return [...list(conf.voters, false), ...list(conf.learners, true)].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /**
   * etcd's member add: the member keeps every peer URL given, sorted as etcd's types.NewURLs
   * sorts them. etcd allows one learner at a time.
   */
  async memberAdd(peerUrls: readonly string[], isLearner: boolean): Promise<MemberInfo> {
    if (peerUrls.length === 0 || !peerUrls.every(isHttpUrl)) throw new EtcdError('MemberBadURLs');
    const urls = [...peerUrls].sort();
    const members = this.memberList();
    if (members.some((m) => m.peerUrls.some((u) => urls.includes(u)))) throw new EtcdError('PeerURLExist');
    // Without the time etcd mixes in: the new process, started with --initial-cluster-state
    // existing, computes the same ID from its own peer URLs and the cluster token.
    const id = memberId(urls, this.config.initialClusterToken);
    if (members.some((m) => m.id === id)) throw new EtcdError('MemberExist');
    if (isLearner && members.filter((m) => m.isLearner).length + 1 > MAX_LEARNERS) throw new EtcdError('TooManyLearners');
    await this.confChange({ type: isLearner ? 'addLearner' : 'addNode', nodeId: id, urls });
    return { id, name: '', peerUrls: urls, clientUrls: [], isLearner };
  }

  /** etcd's member update: new peer URLs (kept in the order given), carried to every member by an updateNode change. */
  async memberUpdate(id: string, peerUrls: readonly string[]): Promise<void> {
    if (peerUrls.length === 0 || !peerUrls.every(isHttpUrl)) throw new EtcdError('MemberBadURLs');
    const members = this.memberList();
    if (!members.some((m) => m.id === id)) throw new EtcdError('MemberNotFound');
    if (members.some((m) => m.id !== id && m.peerUrls.some((u) => peerUrls.includes(u)))) throw new EtcdError('PeerURLExist');
    await this.confChange({ type: 'updateNode', nodeId: id, urls: [...peerUrls] });
  }

  async memberRemove(id: string): Promise<void> {
    if (!this.memberList().some((m) => m.id === id)) throw new EtcdError('MemberNotFound');
    await this.confChange({ type: 'removeNode', nodeId: id });
  }

  async memberPromote(id: string): Promise<void> {
    const m = this.memberList().find((x) => x.id === id);
    if (!m) throw new EtcdError('MemberNotFound');
    if (!m.isLearner) throw new EtcdError('MemberNotLearner');
    const progress = this.raft.status().progress.get(id);
    // etcd promotes only a learner that has caught up (within 90% of the leader's log).
    if (!progress || progress.match < 0.9 * this.raft.status().commit) throw new EtcdError('LearnerNotReady');
    await this.confChange({ type: 'addNode', nodeId: id });
  }

  private async confChange(cc: { type: 'addNode' | 'addLearner' | 'removeNode' | 'updateNode'; nodeId: string; urls?: readonly string[] }): Promise<void> {
    try {
      await this.raft.proposeConfChange(cc);
    } catch (err) {
      throw toEtcdError(err);
    }
  }

  async moveLeader(target: string): Promise<void> {
    if (!this.raft.isLeader) throw new EtcdError('NotLeader');
    if (!this.raft.confState().voters.includes(target)) throw new EtcdError('BadLeaderTransferee');
    try {
      await this.raft.transferLeadership(target);
    } catch (err) {
      throw toEtcdError(err);
    }
  }

  /**
   * etcd's Alarm: GET lists the raised alarms (of one type, or all for NONE); ACTIVATE and
   * DEACTIVATE answer with the alarm they raised or disarmed, not with what is left.
   */
  async alarm(action: 'get' | 'activate' | 'deactivate', memberIdArg: string, alarm: AlarmType): Promise<AlarmMember[]> {
    if (action === 'get') {
      // etcd 3.4 sends even GET through Raft, so it sees every alarm acknowledged before it.
      await this.linearizable();
      return this.sm.alarms.list(alarm);
    }
    return (await this.propose({ op: 'alarm', action, memberId: memberIdArg, alarm })) as AlarmMember[];
  }

  /** A consistent copy of the replicated state, as `etcdctl snapshot save` stores it. */
  async snapshotFile(): Promise<Uint8Array> {
    // All read in one tick, before anything else is applied.
    const at = { revision: this.mvcc.currentRevision, compactedRevision: this.mvcc.compactedRevision, appliedIndex: this.sm.appliedIndex(), keys: this.mvcc.keyCount };
    const data = this.sm.snapshot();
    return encodeSnapshotFile({ format: SNAPSHOT_FORMAT, clusterId: this.clusterId, memberId: this.id, ...at, data: await data });
  }

  /** etcd's defragment: here, LevelDB compacts its files now instead of in the background. */
  async defragment(): Promise<void> {
    await this.db.compactRange(new Uint8Array(0), Uint8Array.of(0xff, 0xff, 0xff, 0xff));
  }

  status() {
    const s = this.raft.status();
    return {
      header: this.header(),
      version: ETCD_VERSION,
      dbSize: this.mvcc.sizeBytes,
      dbSizeInUse: this.mvcc.sizeBytes,
      leader: s.lead,
      raftIndex: s.commit,
      raftTerm: s.term,
      raftAppliedIndex: s.applied,
      // etcd's order: no leader first, then each raised alarm.
      errors: [...(s.lead ? [] : [ETCD_ERRORS.NoLeader[1]]), ...this.sm.alarms.list().map(alarmText)],
      isLearner: this.raft.confState().learners.includes(this.id),
    };
  }

  /** Where a follower sends what only the leader may answer; NoLeader while there is none. */
  leaderClientUrl(): string {
    const lead = this.raft.leaderId;
    const url = lead ? this.sm.members.get(lead)?.clientUrls[0] : undefined;
    if (!url) throw new EtcdError('NoLeader');
    return url;
  }

  get hasLeader(): boolean {
    return this.raft.leaderId !== '';
  }

  // ---- plumbing -------------------------------------------------------------------------

  private async linearizable(): Promise<void> {
    // TEST ONLY, off by default: FLOTILLA_UNSAFE_FOLLOWER_READS=1 deliberately breaks
    // linearizable reads (served from local state without ReadIndex, so a cut-off member
    // answers stale values). It exists so the chaos checker's test can prove it catches that.
    if (UNSAFE_FOLLOWER_READS) return;
    try {
      await this.leaderLoss.race(this.raft.readIndex(), () => new EtcdError('LeaderChanged'));
    } catch (err) {
      throw toEtcdError(err);
    }
  }

  private async propose(r: InternalRequest): Promise<unknown> {
    const payload = encodeRequest(r);
    if (payload.byteLength > this.config.maxRequestBytes) throw new EtcdError('RequestTooLarge');
    let outcome: ApplyResult;
    try {
      outcome = (await this.leaderLoss.race(this.raft.propose(payload), () => new EtcdError('TimeoutDueToLeaderFail'))).result;
    } catch (err) {
      throw toEtcdError(err);
    }
    if (!outcome.ok) {
      // etcd raises the alarm when its quota check fails, not when a raised alarm refused the write.
      if (outcome.error === 'NoSpace' && this.sm.overQuota) this.raiseNoSpaceAlarm();
      throw new EtcdError(outcome.error, outcome.message);
    }
    return outcome.value;
  }

  /** Over quota: raise NOSPACE cluster-wide (as etcd does), so every member refuses writes until disarmed. */
  private raiseNoSpaceAlarm(): void {
    if (this.sm.alarms.has('NOSPACE', this.id)) return;
    this.log.warn('database space exceeded; raising the NOSPACE alarm', { dbSize: this.mvcc.sizeBytes });
    this.propose({ op: 'alarm', action: 'activate', memberId: this.id, alarm: 'NOSPACE' }).catch(() => undefined);
  }

  /** Tells the cluster this member's name and client URLs (etcd's publish), retrying until it lands. */
  private async publishAttributes(): Promise<void> {
    const want = { name: this.config.name, clientUrls: [...this.config.clientUrls], clusterId: this.bootClusterId };
    while (!this.stopped) {
      const have = this.sm.members.get(this.id);
      if (have && have.name === want.name && have.clientUrls.join(',') === want.clientUrls.join(',')) return;
      try {
        await this.propose({ op: 'memberAttributes', memberId: this.id, ...want });
        return;
      } catch {
        await new Promise((r) => setTimeout(r, this.config.heartbeatIntervalMs * 2));
      }
    }
  }
}

export const ETCD_VERSION = '3.4.0';

/** See linearizable(): a deliberately broken read path for the chaos checker's own test. Never set it otherwise. */
const UNSAFE_FOLLOWER_READS = process.env.FLOTILLA_UNSAFE_FOLLOWER_READS === '1';

/** etcd 3.4 allows one learner in a cluster (membership.maxLearners). */
const MAX_LEARNERS = 1;

/**
 * An alarm as etcd's Status lists it: the AlarmMember in protobuf's text form, zero fields
 * left out and a space after each field (`memberID:<decimal> alarm:NOSPACE `).
 */
function alarmText(a: AlarmMember): string {
  const member = BigInt(`0x${a.memberId}`);
  return `${member === 0n ? '' : `memberID:${member} `}${a.alarm === 'NONE' ? '' : `alarm:${a.alarm} `}`;
}

function isReadOnly(req: TxnRequest): boolean {
  const ops = [...(req.success ?? []), ...(req.failure ?? [])];
  return ops.every((op) => 'requestRange' in op || ('requestTxn' in op && isReadOnly(op.requestTxn)));
}

function isHttpUrl(u: string): boolean {
  try {
    return new URL(u).protocol === 'http:';
  } catch {
    return false;
  }
}

/** Raft's failures in etcd's words. */
export function toEtcdError(err: unknown): Error {
  if (err instanceof EtcdError) return err;
  if (!(err instanceof RaftError)) return err as Error;
  switch (err.code) {
    case 'NoLeader':
      return new EtcdError('NoLeader');
    case 'Stopped':
      return new EtcdError('Stopped');
    case 'LeaderChanged':
      return new EtcdError('LeaderChanged');
    case 'Timeout':
      return new EtcdError('Timeout');
    case 'ProposalDropped':
      return new EtcdError('TooManyRequests');
    case 'ConfChangePending':
      return new EtcdError('MemberNotEnoughStarted', 'etcdserver: unhealthy cluster');
    case 'InvalidConfChange':
      return new EtcdError('MemberNotFound');
    default:
      return new EtcdError('Timeout', `etcdserver: ${err.message}`);
  }
}
