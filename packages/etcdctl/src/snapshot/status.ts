import { readFile, stat } from 'node:fs/promises';
import { SNAPSHOT_FORMAT, decodeSnapshotFile } from '@flotilla/kvstore';
import type { DbStatus } from '../output/snapshot-printers.js';
import { BoltFile, isBolt } from './bbolt.js';
import { Crc32c } from './crc32c.js';
import { goPathError } from './os-error.js';

const SHA256_BYTES = 32;

/** A snapshot file that cannot be read, in the words etcdctl uses. */
export class SnapshotStatusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotStatusError';
  }
}

/**
 * `snapshot status`: the hash, revision, entry count and size of a snapshot file, either
 * etcd's (a bbolt database) or our members' (flotilla-kvstore-snapshot/1).
 */
export async function snapshotStatus(path: string): Promise<DbStatus> {
  try {
    await stat(path);
  } catch (err) {
    throw new SnapshotStatusError(goPathError('stat', path, err));
  }
  const file = new Uint8Array(await readFile(path));
  if (isOurs(file)) return ourStatus(file);
  if (isBolt(file)) return boltStatus(new BoltFile(file));
  throw new SnapshotStatusError('invalid database');
}

/** Our files are msgpack maps whose first entry is the format name. */
function isOurs(file: Uint8Array): boolean {
  return Buffer.from(file.subarray(0, 64)).includes(SNAPSHOT_FORMAT);
}

/**
 * Ours: CRC-32C of the state the file holds, the revision it was taken at, the number of
 * keys, and its size without the trailing digest (as etcd's size leaves its digest out).
 */
function ourStatus(file: Uint8Array): DbStatus {
  let envelope;
  try {
    envelope = decodeSnapshotFile(file);
  } catch (err) {
    throw new SnapshotStatusError((err as Error).message);
  }
  const h = new Crc32c();
  h.write(envelope.data);
  return { hash: h.sum(), revision: envelope.revision, totalKey: envelope.keys, totalSize: file.byteLength - SHA256_BYTES };
}

/**
 * etcd's: CRC-32C over each bucket's name and its keys and values, the revision of the
 * last key in the `key` bucket, and every bucket entry counted.
 */
function boltStatus(db: BoltFile): DbStatus {
  const h = new Crc32c();
  let revision = 0;
  let totalKey = 0;
  for (const bucket of db.buckets()) {
    h.write(bucket.name);
    const isKeyBucket = Buffer.from(bucket.name).toString('latin1') === 'key';
    for (const [k, v] of bucket.entries) {
      h.write(k);
      h.write(v);
      // A revision key is main (8 bytes, big-endian), '_', sub.
      if (isKeyBucket) revision = Number(Buffer.from(k).readBigInt64BE(0));
      totalKey++;
    }
  }
  return { hash: h.sum(), revision, totalKey, totalSize: db.size };
}
