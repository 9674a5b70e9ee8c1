import { access, open } from 'node:fs/promises';
import { join } from 'node:path';
import { SNAPSHOT_FORMAT, decodeSnapshotFile, type SnapshotEnvelope } from '@flotilla/kvstore';
import { newUrls } from '../commands/peer-urls.js';
import { goPathError } from './os-error.js';
import type { ZapLogger } from './zap-log.js';

/** clientv3/snapshot's RestoreConfig, from `snapshot restore`'s flags. */
export interface RestoreConfig {
  readonly snapshotPath: string;
  readonly name: string;
  /** Already defaulted to `<name>.etcd`. */
  readonly dataDir: string;
  /** Given explicitly (etcd then refuses an existing one), or undefined for `<data-dir>/member/wal`. */
  readonly walDir?: string;
  readonly peerUrls: readonly string[];
  readonly initialCluster: string;
  readonly initialClusterToken: string;
  readonly skipHashCheck: boolean;
}

/** A restore etcdctl refuses or fails, in clientv3/snapshot's words (exit 1). */
export class RestoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreError';
  }
}

const SHA256_BYTES = 32;
const hasChecksum = (n: number) => n % 512 === SHA256_BYTES;
const exists = (path: string) => access(path).then(() => true, () => false);

/**
 * types.NewURLsMap: `name=url,name=url`, a name given several times collecting several
 * URLs; each name's URLs are checked and sorted.
 */
export function parseUrlsMap(text: string): Map<string, string[]> {
  const raw = new Map<string, string[]>();
  for (const part of text.split(',')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    raw.set(name, [...(raw.get(name) ?? []), eq < 0 ? '' : part.slice(eq + 1)]);
  }
  return new Map([...raw].map(([name, urls]) => [name, newUrls(urls)]));
}

const goQuoteList = (list: readonly string[]) => `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;

/** etcdserver's VerifyBootstrap as restore runs it (URLs compared as written: nothing is resolved through DNS). */
export function verifyBootstrap(name: string, peerUrls: readonly string[], cluster: ReadonlyMap<string, readonly string[]>): void {
  const own = cluster.get(name);
  if (!own) throw new RestoreError(`couldn't find local name ${JSON.stringify(name)} in the initial cluster configuration`);
  const advertised = [...peerUrls].sort();
  const listed = [...own].sort();
  if (advertised.length !== listed.length || advertised.some((u, i) => u !== listed[i])) {
    const why = advertised.length !== listed.length ? `len(${goQuoteList(advertised)}) != len(${goQuoteList(listed)})` : `resolved urls: ${JSON.stringify(advertised.find((u, i) => u !== listed[i]))} != ${JSON.stringify(listed.find((u, i) => u !== advertised[i]))}`;
    const missing = listed.filter((u) => !advertised.includes(u));
    if (missing.length > 0) throw new RestoreError(`--initial-cluster has ${missing.map((u) => `${name}=${u}`).join(',')} but missing from --initial-advertise-peer-urls=${advertised.join(',')} (${why})`);
    const extra = advertised.filter((u) => !listed.includes(u));
    const own = advertised.map((u) => `${name}=${u}`).join(',');
    if (extra.length > 0) throw new RestoreError(`--initial-advertise-peer-urls has ${extra.join(',')} but missing from --initial-cluster=${own}`);
    throw new RestoreError(`failed to resolve ${advertised.join(',')} to match --initial-cluster=${own} (${why})`);
  }
  const all = [...cluster.values()].flat();
  if (new Set(all).size !== all.length) {
    const text = [...cluster].flatMap(([n, us]) => us.map((u) => `${n}=${u}`)).sort().join(',');
    throw new RestoreError(`initial cluster ${text} has duplicate url`);
  }
}

/** A snapshot file that passed restore's checks: its bytes, and what they hold. */
export interface CheckedSnapshot {
  readonly file: Uint8Array;
  readonly envelope: SnapshotEnvelope;
}

/**
 * Checks a restore as etcd does (flags, then the target directories, then the snapshot
 * file's integrity) and returns the file. Writing a member's data directory from it is the
 * kvstore's business (`restoreMemberDataDir`).
 */
export async function readSnapshotForRestore(cfg: RestoreConfig, log: ZapLogger): Promise<CheckedSnapshot> {
  const peerUrls = newUrls(cfg.peerUrls);
  verifyBootstrap(cfg.name, peerUrls, parseUrlsMap(cfg.initialCluster));
  if (await exists(cfg.dataDir)) throw new RestoreError(`data-dir ${JSON.stringify(cfg.dataDir)} exists`);
  if (cfg.walDir !== undefined && (await exists(cfg.walDir))) throw new RestoreError(`wal-dir ${JSON.stringify(cfg.walDir)} exists`);
  log.snapshot('snapshot/v3_snapshot.go:296', 'restoring snapshot', restoreLogFields(cfg));

  let file: Uint8Array;
  try {
    const handle = await open(cfg.snapshotPath, 'r');
    try {
      file = new Uint8Array(await handle.readFile());
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw new RestoreError(goPathError('open', cfg.snapshotPath, err));
  }
  // etcd seeks to the digest first: a file shorter than one cannot be a snapshot.
  if (file.byteLength < SHA256_BYTES) throw new RestoreError(`seek ${cfg.snapshotPath}: invalid argument`);
  if (!Buffer.from(file.subarray(0, 64)).includes(SNAPSHOT_FORMAT)) {
    if (!hasChecksum(file.byteLength) && !cfg.skipHashCheck) throw new RestoreError('snapshot missing hash but --skip-hash-check=false');
    throw new RestoreError(`${cfg.snapshotPath} is not a ${SNAPSHOT_FORMAT} file: only our members' snapshots restore into a kvstore data directory`);
  }
  try {
    return { file, envelope: decodeSnapshotFile(file) };
  } catch (err) {
    throw new RestoreError((err as Error).message);
  }
}

/** Where etcd's restore says it wrote: the fields of its 'restoring' and 'restored' log lines. */
export function restoreLogFields(cfg: RestoreConfig): Record<string, string> {
  return { path: cfg.snapshotPath, 'wal-dir': cfg.walDir ?? join(cfg.dataDir, 'member', 'wal'), 'data-dir': cfg.dataDir, 'snap-dir': join(cfg.dataDir, 'member', 'snap') };
}
