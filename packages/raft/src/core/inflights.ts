/**
 * The MsgApps sent to one follower and not yet acknowledged, as (last index, bytes)
 * pairs in send order. Flow control pauses replication when either the count or the
 * byte total reaches its limit.
 */
export class Inflights {
  private readonly indexes: number[] = [];
  private readonly sizes: number[] = [];
  private bytes = 0;

  constructor(
    private readonly maxCount: number,
    private readonly maxBytes: number = Infinity,
  ) {}

  add(lastIndex: number, bytes: number): void {
    this.indexes.push(lastIndex);
    this.sizes.push(bytes);
    this.bytes += bytes;
  }

  /** Frees every in-flight message whose last index is <= `index` (they are acknowledged). */
  freeLE(index: number): void {
    let n = 0;
    while (n < this.indexes.length && this.indexes[n] <= index) {
      this.bytes -= this.sizes[n];
      n++;
    }
    if (n > 0) {
      this.indexes.splice(0, n);
      this.sizes.splice(0, n);
    }
  }

  freeFirst(): void {
    if (this.indexes.length > 0) this.freeLE(this.indexes[0]);
  }

  full(): boolean {
    return this.indexes.length >= this.maxCount || this.bytes >= this.maxBytes;
  }

  count(): number {
    return this.indexes.length;
  }

  reset(): void {
    this.indexes.length = 0;
    this.sizes.length = 0;
    this.bytes = 0;
  }
}
