import { randomBytes } from 'node:crypto';

/**
 * The keys a benchmark touches: --key-space-size keys, each the decimal index zero-padded
 * to --key-size bytes ("00000042"), so a put run and a later range run with the same flags
 * name the same keys, and the whole space is one contiguous range [000…0, 999…9].
 */
export class KeySpace {
  private readonly encoded: (string | undefined)[] = [];

  /** `random` picks an index in [0, 1) when keys are not sequential; injectable for tests. */
  constructor(
    readonly size: number,
    readonly keySize: number,
    readonly sequential: boolean,
    private readonly random: () => number = Math.random,
  ) {
    if (String(size - 1).length > keySize) throw new RangeError(`key size ${keySize} cannot hold ${size} keys`);
  }

  /** The index of the key the i-th request touches: i mod size in order, or any index at random. */
  indexFor(i: number): number {
    return this.sequential ? i % this.size : Math.floor(this.random() * this.size);
  }

  key(index: number): string {
    return String(index).padStart(this.keySize, '0');
  }

  /** The key the i-th request touches, base64-encoded for the gateway (cached: keys repeat). */
  keyBase64For(i: number): string {
    const index = this.indexFor(i);
    let b = this.encoded[index];
    if (b === undefined) this.encoded[index] = b = Buffer.from(this.key(index)).toString('base64');
    return b;
  }

  /** A [key, range_end) that holds every key of the space, base64-encoded. */
  wholeRangeBase64(): { key: string; rangeEnd: string } {
    // '9…9' is the largest key; '9…9:' (':' follows '9') is past it, before any longer digit key.
    return {
      key: Buffer.from('0'.repeat(this.keySize)).toString('base64'),
      rangeEnd: Buffer.from('9'.repeat(this.keySize - 1) + ':').toString('base64'),
    };
  }
}

/** One random value of `size` bytes, base64-encoded; like etcd's benchmark, every put sends it. */
export function randomValueBase64(size: number): string {
  return randomBytes(size).toString('base64');
}

/**
 * A value that names its put: the sequence number in decimal, zero-padded to `size` bytes
 * (longer when the number needs more digits). The watch workload reads it back from events
 * to time each event against the put that caused it.
 */
export function sequenceValueBase64(seq: number, size: number): string {
  return Buffer.from(String(seq).padStart(size, '0')).toString('base64');
}

/** The sequence number carried by a sequenceValueBase64 value, or undefined for any other value. */
export function sequenceOfValue(base64: string | undefined): number | undefined {
  if (base64 === undefined) return undefined;
  const text = Buffer.from(base64, 'base64').toString('latin1');
  return /^\d+$/.test(text) ? Number(text) : undefined;
}
