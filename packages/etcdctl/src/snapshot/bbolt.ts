/**
 * Just enough of bbolt's file format to read an etcd snapshot: the meta pages, and the
 * top-level buckets' key/value pairs in order. Read-only, whole file in memory.
 *
 * A page is a 16-byte header (id u64, flags u16, count u16, overflow u32) and its
 * elements; leaf elements are (flags u32, pos u32, ksize u32, vsize u32), branch
 * elements (pos u32, ksize u32, pgid u64), `pos` counted from the element itself. A
 * bucket is a leaf value holding (root pgid u64, sequence u64), followed by the bucket's
 * own page when it is inline (root 0). All little-endian.
 */

const PAGE_HEADER = 16;
const ELEMENT = 16;
const BRANCH_PAGE = 0x01;
const LEAF_PAGE = 0x02;
const BUCKET_LEAF = 0x01;
const MAGIC = 0xed0cdaed;
const VERSION = 2;

/** bbolt's errors on opening, in its words. */
export class BoltError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BoltError';
  }
}

interface Meta {
  readonly pageSize: number;
  readonly root: bigint;
  /** The high-water page: the database's size is pgid × pageSize. */
  readonly pgid: bigint;
  readonly txid: bigint;
}

/** True if the file starts with a bbolt meta page. */
export function isBolt(file: Uint8Array): boolean {
  return file.byteLength >= PAGE_HEADER + 4 && view(file).getUint32(PAGE_HEADER, true) === MAGIC;
}

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

function fnv1a64(bytes: Uint8Array): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h;
}

function readMeta(file: Uint8Array, offset: number): Meta | BoltError {
  if (file.byteLength < offset + PAGE_HEADER + 64) return new BoltError('invalid database');
  const v = view(file);
  const m = offset + PAGE_HEADER;
  if (v.getUint32(m, true) !== MAGIC) return new BoltError('invalid database');
  if (v.getUint32(m + 4, true) !== VERSION) return new BoltError('version mismatch');
  if (fnv1a64(file.subarray(m, m + 56)) !== v.getBigUint64(m + 56, true)) return new BoltError('checksum error');
  return { pageSize: v.getUint32(m + 8, true), root: v.getBigUint64(m + 16, true), pgid: v.getBigUint64(m + 40, true), txid: v.getBigUint64(m + 48, true) };
}

/** A read-only view of a bbolt file. */
export class BoltFile {
  private readonly meta: Meta;

  constructor(private readonly file: Uint8Array) {
    const m0 = readMeta(file, 0);
    if (m0 instanceof BoltError) throw m0;
    const m1 = readMeta(file, m0.pageSize);
    // bbolt uses the newer of the two valid meta pages.
    this.meta = m1 instanceof BoltError || m1.txid < m0.txid ? m0 : m1;
  }

  /** tx.Size(): the bytes the database occupies. */
  get size(): number {
    return Number(this.meta.pgid) * this.meta.pageSize;
  }

  /** The top-level buckets, in key order, each with its key/value pairs in key order. */
  *buckets(): Generator<{ name: Uint8Array; entries: Generator<[Uint8Array, Uint8Array]> }> {
    for (const [name, value, flags] of this.walk(this.pageAt(this.meta.root))) {
      if (!(flags & BUCKET_LEAF)) throw new BoltError(`cannot get hash of bucket ${Buffer.from(name).toString()}`);
      yield { name, entries: this.entries(value) };
    }
  }

  private *entries(bucketValue: Uint8Array): Generator<[Uint8Array, Uint8Array]> {
    const root = view(bucketValue).getBigUint64(0, true);
    const page = root === 0n ? bucketValue.subarray(16) : this.pageAt(root);
    for (const [k, v] of this.walk(page)) yield [k, v];
  }

  private pageAt(pgid: bigint): Uint8Array {
    const start = Number(pgid) * this.meta.pageSize;
    if (start + PAGE_HEADER > this.file.byteLength) throw new BoltError(`page ${pgid} beyond the end of the file`);
    return this.file.subarray(start);
  }

  /** In-order traversal of a branch or leaf page: (key, value, flags) of every leaf element. */
  private *walk(page: Uint8Array): Generator<[Uint8Array, Uint8Array, number]> {
    const v = view(page);
    const flags = v.getUint16(8, true);
    const count = v.getUint16(10, true);
    for (let i = 0; i < count; i++) {
      const e = PAGE_HEADER + i * ELEMENT;
      if (flags & LEAF_PAGE) {
        const pos = v.getUint32(e + 4, true);
        const ksize = v.getUint32(e + 8, true);
        const vsize = v.getUint32(e + 12, true);
        const key = page.subarray(e + pos, e + pos + ksize);
        yield [key, page.subarray(e + pos + ksize, e + pos + ksize + vsize), v.getUint32(e, true)];
      } else if (flags & BRANCH_PAGE) {
        yield* this.walk(this.pageAt(v.getBigUint64(e + 8, true)));
      } else {
        throw new BoltError(`unexpected page type ${flags}`);
      }
    }
  }
}
