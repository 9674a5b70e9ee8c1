import { Packr } from 'msgpackr';
import type { Revision } from './key-index.js';
import type { KeyValue } from './types.js';

/**
 * The LevelDB layout of the store:
 *   rev/<main: 8 bytes BE><sub: 8 bytes BE>  → one revision of one key (a put or a tombstone)
 *   meta/current_revision, meta/compacted_revision, meta/consistent_index → numbers
 * Revision keys sort in revision order, so a scan replays history.
 */
const packr = new Packr({ useRecords: false });

const REV_PREFIX = Buffer.from('rev/', 'latin1');
export const REV_RANGE = { gte: revisionKey({ main: 0, sub: 0 }), lt: Buffer.from('rev0', 'latin1') };
export const META_CURRENT = Buffer.from('meta/current_revision', 'latin1');
export const META_COMPACTED = Buffer.from('meta/compacted_revision', 'latin1');
export const META_CONSISTENT_INDEX = Buffer.from('meta/consistent_index', 'latin1');

export function revisionKey(rev: Revision): Uint8Array {
  const key = new Uint8Array(REV_PREFIX.length + 16);
  key.set(REV_PREFIX);
  const view = new DataView(key.buffer);
  view.setBigUint64(REV_PREFIX.length, BigInt(rev.main));
  view.setBigUint64(REV_PREFIX.length + 8, BigInt(rev.sub));
  return key;
}

export function revisionOfKey(key: Uint8Array): Revision {
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
  return { main: Number(view.getBigUint64(REV_PREFIX.length)), sub: Number(view.getBigUint64(REV_PREFIX.length + 8)) };
}

/** One stored revision: a put's KeyValue, or a tombstone (a deletion) of `kv.key`. */
export interface RevisionRecord {
  readonly kv: KeyValue;
  readonly tombstone: boolean;
}

type Stored = [key: Uint8Array, create: number, mod: number, version: number, value: Uint8Array, lease: string, tombstone: boolean];

export function encodeRecord(r: RevisionRecord): Uint8Array {
  const { kv } = r;
  const stored: Stored = [kv.key, kv.createRevision, kv.modRevision, kv.version, kv.value, kv.lease.toString(), r.tombstone];
  return packr.pack(stored);
}

export function decodeRecord(raw: Uint8Array): RevisionRecord {
  const [key, createRevision, modRevision, version, value, lease, tombstone] = packr.unpack(raw) as Stored;
  return { kv: { key: new Uint8Array(key), createRevision, modRevision, version, value: new Uint8Array(value), lease: BigInt(lease) }, tombstone };
}

export function encodeNumber(n: number): Uint8Array {
  return packr.pack(n);
}

export function decodeNumber(raw: Uint8Array | undefined): number {
  return raw ? (packr.unpack(raw) as number) : 0;
}

export function encodeSnapshot(value: unknown): Uint8Array {
  return packr.pack(value);
}

export function decodeSnapshot(raw: Uint8Array): unknown {
  return packr.unpack(raw);
}
