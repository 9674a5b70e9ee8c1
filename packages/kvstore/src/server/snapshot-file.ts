import { createHash } from 'node:crypto';
import { Packr } from 'msgpackr';

/**
 * The file `etcdctl snapshot save` writes from our members: the state machine's snapshot
 * (MVCC history, leases, alarms, member attributes) in an envelope that says where it was
 * taken, followed by the SHA-256 of everything before it, as etcd appends a SHA-256 to its
 * database file. etcd's own files are bbolt databases; ours are not, and say so in `format`.
 *
 * Layout: the envelope's length (uint32, big-endian), the msgpack envelope, zeros up to a
 * multiple of 512 bytes, the SHA-256. The real etcdctl accepts a download only when its size
 * is a multiple of bbolt's 512-byte pages plus the 32-byte hash.
 */
export const SNAPSHOT_FORMAT = 'flotilla-kvstore-snapshot/2';

export interface SnapshotEnvelope {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly clusterId: string;
  readonly memberId: string;
  /** The MVCC revision and the Raft index the copy reflects. */
  readonly revision: number;
  readonly compactedRevision: number;
  readonly appliedIndex: number;
  readonly keys: number;
  /** KvStateMachine.snapshot()'s bytes. */
  readonly data: Uint8Array;
}

const packr = new Packr({ useRecords: false });
const HASH_BYTES = 32;
const PAGE_BYTES = 512;
const LENGTH_BYTES = 4;

export function encodeSnapshotFile(envelope: SnapshotEnvelope): Uint8Array {
  const packed = packr.pack(envelope);
  const body = Buffer.alloc(Math.ceil((LENGTH_BYTES + packed.byteLength) / PAGE_BYTES) * PAGE_BYTES);
  body.writeUInt32BE(packed.byteLength, 0);
  packed.copy(body, LENGTH_BYTES);
  const hash = createHash('sha256').update(body).digest();
  return new Uint8Array(Buffer.concat([body, hash]));
}

export class SnapshotFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotFileError';
  }
}

/** Checks the trailing hash and the format, and returns the envelope. */
export function decodeSnapshotFile(file: Uint8Array): SnapshotEnvelope {
  if (file.byteLength <= HASH_BYTES) throw new SnapshotFileError('snapshot file is too short');
  const body = file.subarray(0, file.byteLength - HASH_BYTES);
  const want = Buffer.from(file.subarray(file.byteLength - HASH_BYTES));
  if (!createHash('sha256').update(body).digest().equals(want)) throw new SnapshotFileError('expected sha256 does not match the snapshot data (corrupt file?)');
  let envelope: SnapshotEnvelope;
  try {
    const length = Buffer.from(body.buffer, body.byteOffset, body.byteLength).readUInt32BE(0);
    envelope = packr.unpack(body.subarray(LENGTH_BYTES, LENGTH_BYTES + length)) as SnapshotEnvelope;
  } catch (err) {
    throw new SnapshotFileError(`unreadable snapshot: ${(err as Error).message}`);
  }
  if (envelope?.format !== SNAPSHOT_FORMAT) throw new SnapshotFileError(`not a ${SNAPSHOT_FORMAT} file`);
  return { ...envelope, data: new Uint8Array(envelope.data) };
}
