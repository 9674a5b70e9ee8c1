/** The parts of hpack.js (it ships no types) that the authority rewriter uses. */
declare module 'hpack.js' {
  interface HeaderField {
    readonly name: string;
    readonly value: string;
    readonly neverIndex?: boolean;
  }
  interface Decompressor {
    write(block: Buffer): void;
    execute(): void;
    read(): HeaderField | null;
  }
  interface Compressor {
    write(fields: HeaderField[]): void;
    read(): Buffer | null;
  }
  const hpack: {
    decompressor: { create(options: { table: { size: number } }): Decompressor };
    compressor: { create(options: { table: { size: number } }): Compressor };
  };
  export default hpack;
}
