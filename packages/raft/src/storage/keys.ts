/**
 * The key layout of the Raft log in LevelDB. Entry keys are a one-byte prefix and the
 * index as 8 big-endian bytes, so LevelDB's byte order is index order and a range of
 * the log is one key range.
 */

export const HARD_STATE_KEY = Uint8Array.of(0x68); // 'h'
export const SNAPSHOT_KEY = Uint8Array.of(0x73); // 's'
const ENTRY_PREFIX = 0x65; // 'e'

export function entryKey(index: number): Uint8Array {
  const key = new Uint8Array(9);
  key[0] = ENTRY_PREFIX;
  new DataView(key.buffer).setBigUint64(1, BigInt(index));
  return key;
}

export function indexOfEntryKey(key: Uint8Array): number {
  if (key.length !== 9 || key[0] !== ENTRY_PREFIX) throw new Error('not a log entry key');
  return Number(new DataView(key.buffer, key.byteOffset, key.byteLength).getBigUint64(1));
}

/** Bounds covering every entry key, for iterators. */
export const ENTRY_RANGE = { gte: entryKey(0), lte: entryKey(Number.MAX_SAFE_INTEGER) };
