import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BinaryLevel } from '@flotilla/raft';
import { ClassicLevel } from 'classic-level';
import type { MvccDb } from '../mvcc/index.js';
import type { KvDb } from './kv-state-machine.js';

const VIEW = { keyEncoding: 'view', valueEncoding: 'view' } as const;
const IDENTITY_KEY = new TextEncoder().encode('identity');

/** Where a member's database lives under its --data-dir. */
export const memberDbPath = (dataDir: string): string => join(dataDir, 'member', 'db');

/**
 * A member's data directory: `<data-dir>/member/db` is one LevelDB holding the Raft log
 * (sublevel `raft`), the replicated state (`kv`: MVCC revisions, leases, alarms, member
 * attributes, the cluster ID and the consistent index) and the member's identity (`meta`).
 * A member opens it at start; a snapshot restore writes the same layout.
 */
export interface MemberDb {
  /** Closing it closes the sublevels. */
  readonly root: ClassicLevel<Uint8Array, Uint8Array>;
  readonly raft: BinaryLevel;
  readonly kv: KvDb & MvccDb;
  readonly meta: {
    get(key: Uint8Array): Promise<Uint8Array | undefined>;
    put(key: Uint8Array, value: Uint8Array): Promise<void>;
  };
}

export async function openMemberDb(dataDir: string): Promise<MemberDb> {
  await mkdir(join(dataDir, 'member'), { recursive: true });
  const root = new ClassicLevel<Uint8Array, Uint8Array>(memberDbPath(dataDir), VIEW);
  await root.open();
  return {
    root,
    raft: root.sublevel<Uint8Array, Uint8Array>('raft', VIEW),
    kv: root.sublevel<Uint8Array, Uint8Array>('kv', VIEW),
    meta: root.sublevel<Uint8Array, Uint8Array>('meta', VIEW),
  };
}

/** Who a member is: its ID and the ID of the cluster it was created in (16 hex digits each). */
export interface MemberIdentity {
  readonly id: string;
  readonly cluster: string;
}

export async function readIdentity(db: MemberDb): Promise<MemberIdentity | undefined> {
  const stored = await db.meta.get(IDENTITY_KEY);
  return stored ? (JSON.parse(new TextDecoder().decode(stored)) as MemberIdentity) : undefined;
}

/** Not synced by itself: the next synced write to the same LevelDB (the Raft log's) makes it durable. */
export async function writeIdentity(db: MemberDb, identity: MemberIdentity): Promise<void> {
  await db.meta.put(IDENTITY_KEY, new TextEncoder().encode(JSON.stringify(identity)));
}
