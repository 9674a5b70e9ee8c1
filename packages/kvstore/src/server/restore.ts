import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { LevelLogStorage, bootstrapLog } from '@flotilla/raft';
import { Lessor } from '../lease/index.js';
import { MvccStore } from '../mvcc/index.js';
import { openMemberDb, writeIdentity } from './data-dir.js';
import { clusterId, memberId } from './identity.js';
import { KvStateMachine } from './kv-state-machine.js';
import { decodeSnapshotFile } from './snapshot-file.js';

/** The new cluster a snapshot is restored into: etcd's restore flags. */
export interface RestoreOptions {
  /** This member's name (--name); it must be one of initialCluster's. */
  readonly name: string;
  /** name → peer URLs of every member of the new cluster (--initial-cluster). */
  readonly initialCluster: ReadonlyMap<string, readonly string[]>;
  readonly initialClusterToken: string;
}

export interface RestoredMember {
  /** 16 hex digits each. */
  readonly memberId: string;
  readonly clusterId: string;
  /** The store's revision, as the snapshot left it. */
  readonly revision: number;
  readonly members: readonly { readonly name: string; readonly id: string; readonly peerUrls: readonly string[] }[];
}

/** A restore refused before anything was written (the snapshot file is checked by decodeSnapshotFile). */
export class MemberRestoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MemberRestoreError';
  }
}

const exists = (path: string) => access(path).then(() => true, () => false);

/**
 * Writes a member data directory from a snapshot file (`etcdctl snapshot save`'s), for a new
 * cluster, as etcd's `snapshot restore` does: the keys keep their revisions, the leases and
 * alarms are kept; the old membership is dropped; the member and cluster IDs are computed from
 * the new --initial-cluster and token as a new cluster's are; the Raft log holds just the new
 * founding members, and the consistent index starts over. Every member of the new cluster is
 * restored from the same file with the same options (but its own name), then started with
 * `kvstore --data-dir DIR --name NAME ...`: the data directory, not the flags, says who it is.
 */
export async function restoreMemberDataDir(snapshotFile: Uint8Array, dataDir: string, opts: RestoreOptions): Promise<RestoredMember> {
  const envelope = decodeSnapshotFile(snapshotFile);
  if (!opts.initialCluster.has(opts.name)) throw new MemberRestoreError(`couldn't find local name "${opts.name}" in the initial cluster configuration`);
  if (await exists(join(dataDir, 'member'))) throw new MemberRestoreError(`data-dir "${dataDir}" already holds a member`);

  // As a new cluster's founders (Member.start): each member's URLs sorted, IDs from URLs and token.
  const members = [...opts.initialCluster].map(([name, urls]) => ({ name, id: memberId(urls, opts.initialClusterToken), peerUrls: [...urls].sort() }));
  const self = members.find((m) => m.name === opts.name)!;
  const cluster = clusterId(members.map((m) => m.id));

  const db = await openMemberDb(dataDir);
  try {
    await writeIdentity(db, { id: self.id, cluster });
    const mvcc = await MvccStore.open(db.kv);
    const sm = new KvStateMachine({ db: db.kv, mvcc, lessor: new Lessor(1), quotaBytes: Number.MAX_SAFE_INTEGER, now: () => Date.now() });
    await sm.seed(envelope.data, cluster);
    // Last, and synced: the log makes the directory a member's (and makes the writes above durable).
    const log = new LevelLogStorage(db.raft);
    await log.open();
    const { hardState, entries } = bootstrapLog(new Map(members.map((m) => [m.id, m.peerUrls])));
    await log.save({ hardState, entries }, true);
    return { memberId: self.id, clusterId: cluster, revision: mvcc.currentRevision, members };
  } finally {
    await db.root.close();
  }
}
