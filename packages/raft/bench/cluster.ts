/**
 * A cluster of in-process RaftNodes with on-disk LevelDB and the real HTTP transport on
 * 127.0.0.1 (ports chosen by the OS). Used by the benchmark and by the driver's tests.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { RaftNode, type RaftNodeOptions, type StateMachine, type AppliedEntry } from '../src/node/index.js';
import { LevelLogStorage } from '../src/storage/index.js';
import { HttpTransport } from '../src/transport/index.js';
import type { NodeId, Snapshot } from '../src/core/index.js';

/** A state machine that keeps the applied payloads' count and a running checksum. */
export class CountingStateMachine implements StateMachine<number> {
  count = 0;
  checksum = 0;
  lastIndex = 0;
  readonly appliedPayloads: string[] = [];

  constructor(private readonly keepPayloads = false) {}

  apply(entries: readonly AppliedEntry[]): number[] {
    const out: number[] = [];
    for (const e of entries) {
      this.lastIndex = e.index;
      if (e.kind === 'normal') {
        this.count++;
        for (let i = 0; i < e.payload.byteLength; i++) this.checksum = (this.checksum * 31 + e.payload[i]) >>> 0;
        if (this.keepPayloads) this.appliedPayloads.push(Buffer.from(e.payload).toString());
      }
      out.push(this.count);
    }
    return out;
  }

  snapshot(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify({ count: this.count, checksum: this.checksum, payloads: this.appliedPayloads }));
  }

  restore(s: Snapshot): void {
    const st = JSON.parse(new TextDecoder().decode(s.data)) as { count: number; checksum: number; payloads: string[] };
    this.count = st.count;
    this.checksum = st.checksum;
    this.appliedPayloads.splice(0, this.appliedPayloads.length, ...st.payloads);
    this.lastIndex = s.metadata.index;
  }
}

export interface ClusterMember {
  readonly id: NodeId;
  readonly dir: string;
  node: RaftNode<number>;
  sm: CountingStateMachine;
  url: string;
}

export interface BenchCluster {
  readonly members: ClusterMember[];
  leader(): RaftNode<number>;
  waitForLeader(timeoutMs?: number): Promise<RaftNode<number>>;
  /** Stops one member (as a clean shutdown) and starts it again from its data on disk. */
  restart(id: NodeId): Promise<void>;
  stopMember(id: NodeId): Promise<void>;
  stop(): Promise<void>;
}

export type MemberOptions = Partial<Omit<RaftNodeOptions<number>, 'id' | 'storage' | 'transport' | 'stateMachine'>>;

async function openMember(dir: string, id: NodeId, port: number): Promise<{ storage: LevelLogStorage; transport: HttpTransport }> {
  await mkdir(dir, { recursive: true });
  const db = new ClassicLevel<Uint8Array, Uint8Array>(join(dir, 'db'), { keyEncoding: 'view', valueEncoding: 'view' });
  const storage = new LevelLogStorage(db);
  const transport = new HttpTransport({ id, host: '127.0.0.1', port });
  await transport.start();
  return { storage, transport };
}

export async function startBenchCluster(root: string, size: number, memberOpts: MemberOptions = {}): Promise<BenchCluster> {
  const ids = Array.from({ length: size }, (_, i) => `n${i + 1}`);
  const opened = await Promise.all(ids.map((id) => openMember(join(root, id), id, 0)));
  const urls = new Map(ids.map((id, i) => [id, opened[i].transport.url]));
  const members: ClusterMember[] = ids.map((id, i) => {
    const sm = new CountingStateMachine(memberOpts.snapshotEntries !== undefined);
    const node = new RaftNode<number>({
      ...memberOpts,
      id,
      storage: opened[i].storage,
      transport: opened[i].transport,
      stateMachine: sm,
      initialCluster: urls,
    });
    return { id, dir: join(root, id), node, sm, url: urls.get(id)! };
  });
  await Promise.all(members.map((m) => m.node.start()));
  const running = new Set(ids);

  const findLeader = () => members.find((m) => running.has(m.id) && m.node.isLeader)?.node;
  const waitForLeader = async (timeoutMs = 10_000) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const l = findLeader();
      // Settled: every running member follows the same leader, so any of them can take proposals.
      if (l && members.every((m) => !running.has(m.id) || m.node.leaderId === l.id)) return l;
      if (Date.now() > until) throw new Error('no leader elected in time');
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await waitForLeader();

  const stopMember = async (id: NodeId) => {
    const m = members.find((x) => x.id === id)!;
    if (!running.has(id)) return;
    running.delete(id);
    await m.node.stop();
  };
  return {
    members,
    leader: () => {
      const l = findLeader();
      if (!l) throw new Error('no leader');
      return l;
    },
    waitForLeader,
    stopMember,
    restart: async (id) => {
      await stopMember(id);
      const m = members.find((x) => x.id === id)!;
      const port = Number(new URL(m.url).port);
      const { storage, transport } = await openMember(m.dir, id, port);
      m.sm = new CountingStateMachine(memberOpts.snapshotEntries !== undefined);
      m.node = new RaftNode<number>({ ...memberOpts, id, storage, transport, stateMachine: m.sm, initialCluster: urls });
      await m.node.start();
      running.add(id);
    },
    stop: async () => {
      await Promise.all([...running].map((id) => stopMember(id)));
      await rm(root, { recursive: true, force: true });
    },
  };
}
