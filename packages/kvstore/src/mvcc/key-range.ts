/**
 * etcd's key ranges, with keys held as latin1 strings (one char per byte, so JavaScript's
 * string order is the byte order LevelDB and etcd use).
 */
export interface KeyRange {
  readonly from: string;
  /** Exclusive; undefined means "to the end of the keyspace"; equal to `from` + "\0" for a single key. */
  readonly to: string | undefined;
  readonly single: boolean;
}

export const toKey = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
export const fromKey = (key: string): Uint8Array => new Uint8Array(Buffer.from(key, 'latin1'));

/** Empty rangeEnd: the key alone; a single zero byte: every key >= key; otherwise [key, rangeEnd). */
export function keyRange(key: Uint8Array, rangeEnd?: Uint8Array): KeyRange {
  const from = toKey(key);
  if (!rangeEnd || rangeEnd.byteLength === 0) return { from, to: undefined, single: true };
  if (rangeEnd.byteLength === 1 && rangeEnd[0] === 0) return { from, to: undefined, single: false };
  return { from, to: toKey(rangeEnd), single: false };
}

export function inRange(r: KeyRange, key: string): boolean {
  if (r.single) return key === r.from;
  return key >= r.from && (r.to === undefined || key < r.to);
}

/** Whether two ranges share a key (for the duplicate-key rule of txns). */
export function overlaps(a: KeyRange, b: KeyRange): boolean {
  if (a.single && b.single) return a.from === b.from;
  if (a.single) return inRange(b, a.from);
  if (b.single) return inRange(a, b.from);
  const aBeforeB = a.to !== undefined && a.to <= b.from;
  const bBeforeA = b.to !== undefined && b.to <= a.from;
  return !aBeforeB && !bBeforeA;
}

/** A membership test for etcd's (key, rangeEnd) pair. */
export function keyRangeOf(key: Uint8Array, rangeEnd?: Uint8Array): (key: string) => boolean {
  const r = keyRange(key, rangeEnd);
  return (k) => inRange(r, k);
}
