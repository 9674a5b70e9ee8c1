/** CRC-32C (Castagnoli), as Go's crc32.MakeTable(crc32.Castagnoli): what etcd hashes snapshots with. */
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** A running CRC-32C: write byte strings in order, read the sum. */
export class Crc32c {
  private crc = 0xffffffff;

  write(bytes: Uint8Array): void {
    let c = this.crc;
    for (const b of bytes) c = TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
    this.crc = c;
  }

  sum(): number {
    return (this.crc ^ 0xffffffff) >>> 0;
  }
}
