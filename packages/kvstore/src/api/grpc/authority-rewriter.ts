import { Duplex, Transform, type TransformCallback } from 'node:stream';
import type { Socket } from 'node:net';
import hpack from 'hpack.js';

const PREFACE_BYTES = 24;
const FRAME_HEADER_BYTES = 9;
const HEADERS = 0x1;
const CONTINUATION = 0x9;
const END_STREAM = 0x1;
const END_HEADERS = 0x4;
const PADDED = 0x8;
const PRIORITY = 0x20;
/** SETTINGS_MAX_FRAME_SIZE's initial value: what the server accepts unless it said otherwise. */
const MAX_FRAME_PAYLOAD = 16_384;
/** SETTINGS_HEADER_TABLE_SIZE's initial value, on both sides. */
const TABLE_BYTES = 4096;
const LARGEST_INDEXED_FIELD = TABLE_BYTES / 4;

interface PendingBlock {
  readonly streamId: number;
  readonly endStream: boolean;
  readonly priority: Buffer | undefined;
  readonly fragments: Buffer[];
  /** The block's frames as received, forwarded unchanged when nothing needs repair. */
  readonly frames: Buffer[];
}

/** Until the first request's headers are read; then either every block is re-encoded, or none is. */
type Mode = 'undecided' | 'rewrite' | 'passthrough';

/**
 * Go's gRPC client (in etcdctl's maintenance calls, and whenever an endpoint is given as a
 * URL) sends the whole URL as `:authority` ("http://127.0.0.1:2379"). Go's server accepts
 * it; Node's HTTP/2 (nghttp2) resets such a stream with PROTOCOL_ERROR. This transform sits
 * between the client's bytes and our HTTP/2 server: it decodes every request header block
 * (HPACK), cuts the authority down to host:port, and encodes the block again with its own
 * HPACK table, which is then the only one the server's decoder follows. Every other frame
 * passes unchanged, and the server's replies do not go through it at all.
 *
 * A Go client uses one authority for the whole connection, so the first request decides: if
 * its authority is already host:port, that block and everything after it pass through
 * untouched (the server's HPACK table then follows the client's own), and the connection
 * costs no decoding at all.
 */
export class AuthorityRewriter extends Transform {
  private buffered: Buffer = Buffer.alloc(0);
  private prefacePassed = false;
  private pending: PendingBlock | undefined;
  private mode: Mode = 'undecided';
  private readonly decoder = hpack.decompressor.create({ table: { size: TABLE_BYTES } });
  private readonly encoder = hpack.compressor.create({ table: { size: TABLE_BYTES } });

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.buffered = this.buffered.byteLength === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    try {
      this.drain();
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  private drain(): void {
    if (!this.prefacePassed) {
      if (this.buffered.byteLength < PREFACE_BYTES) return;
      this.push(this.buffered.subarray(0, PREFACE_BYTES));
      this.buffered = this.buffered.subarray(PREFACE_BYTES);
      this.prefacePassed = true;
    }
    if (this.passingThrough()) {
      if (this.buffered.byteLength > 0) this.push(this.buffered);
      this.buffered = Buffer.alloc(0);
      return;
    }
    while (this.buffered.byteLength >= FRAME_HEADER_BYTES) {
      const length = this.buffered.readUIntBE(0, 3);
      if (this.buffered.byteLength < FRAME_HEADER_BYTES + length) return;
      const frame = this.buffered.subarray(0, FRAME_HEADER_BYTES + length);
      this.buffered = this.buffered.subarray(FRAME_HEADER_BYTES + length);
      const type = frame[3];
      if (type === HEADERS) this.onHeaders(frame);
      else if (type === CONTINUATION && this.pending) this.onFragment(frame, frame.subarray(FRAME_HEADER_BYTES), frame[4]);
      else this.push(frame);
      // onHeaders may have just decided that this connection needs no repair.
      if (this.passingThrough()) return this.drain();
    }
  }

  private passingThrough(): boolean {
    return this.mode === 'passthrough';
  }

  private onHeaders(frame: Buffer): void {
    const flags = frame[4];
    let payload = frame.subarray(FRAME_HEADER_BYTES);
    if (flags & PADDED) payload = payload.subarray(1, payload.byteLength - payload[0]);
    let priority: Buffer | undefined;
    if (flags & PRIORITY) {
      priority = Buffer.from(payload.subarray(0, 5));
      payload = payload.subarray(5);
    }
    this.pending = { streamId: frame.readUInt32BE(5) & 0x7fffffff, endStream: (flags & END_STREAM) !== 0, priority, fragments: [], frames: [] };
    this.onFragment(frame, payload, flags);
  }

  private onFragment(frame: Buffer, fragment: Buffer, flags: number): void {
    const block = this.pending!;
    block.fragments.push(Buffer.from(fragment));
    block.frames.push(Buffer.from(frame));
    if (!(flags & END_HEADERS)) return;
    this.pending = undefined;
    this.decoder.write(Buffer.concat(block.fragments));
    this.decoder.execute();
    const decoded: { name: string; value: string }[] = [];
    for (let f = this.decoder.read(); f; f = this.decoder.read()) decoded.push(f);
    if (this.mode === 'undecided') {
      const authority = decoded.find((f) => f.name === ':authority')?.value;
      this.mode = authority === undefined || hostPort(authority) === authority ? 'passthrough' : 'rewrite';
      if (this.mode === 'passthrough') {
        for (const f of block.frames) this.push(f);
        return;
      }
    }
    const fields: { name: string; value: string; neverIndex?: boolean }[] = [];
    for (const f of decoded) {
      const field = f.name === ':authority' ? { ...f, value: hostPort(f.value) } : f;
      // A field too big to share the table is never indexed, so no entry has to be evicted for it.
      fields.push(field.name.length + field.value.length + 32 > LARGEST_INDEXED_FIELD ? { ...field, neverIndex: true } : field);
    }
    this.encoder.write(fields);
    const chunks: Buffer[] = [];
    for (let c = this.encoder.read(); c; c = this.encoder.read()) chunks.push(c);
    this.pushBlock(block, Buffer.concat(chunks));
  }

  private pushBlock(block: PendingBlock, encoded: Buffer): void {
    const prefix = block.priority ?? Buffer.alloc(0);
    let rest = Buffer.concat([prefix, encoded]);
    let type = HEADERS;
    let flags = (block.endStream ? END_STREAM : 0) | (block.priority ? PRIORITY : 0);
    for (;;) {
      const piece = rest.subarray(0, MAX_FRAME_PAYLOAD);
      rest = rest.subarray(piece.byteLength);
      const head = Buffer.alloc(FRAME_HEADER_BYTES);
      head.writeUIntBE(piece.byteLength, 0, 3);
      head[3] = type;
      head[4] = flags | (rest.byteLength === 0 ? END_HEADERS : 0);
      head.writeUInt32BE(block.streamId, 5);
      this.push(Buffer.concat([head, piece]));
      if (rest.byteLength === 0) return;
      type = CONTINUATION;
      flags = 0;
    }
  }
}

/** "http://127.0.0.1:2379/" → "127.0.0.1:2379"; an authority already in that form stays as it is. */
export function hostPort(authority: string): string {
  const scheme = authority.indexOf('://');
  const rest = scheme >= 0 ? authority.slice(scheme + 3) : authority;
  const slash = rest.indexOf('/');
  return slash >= 0 ? rest.slice(0, slash) : rest;
}

/**
 * The connection as the HTTP/2 server should see it: what the client sends, with request
 * authorities repaired, and what the server writes, straight to the socket.
 */
export function withRepairedAuthority(socket: Socket): Duplex {
  const incoming = new AuthorityRewriter();
  socket.pipe(incoming);
  const duplex = new Duplex({
    read() {
      incoming.resume();
    },
    write(chunk: Buffer, _encoding, done) {
      if (socket.write(chunk)) done();
      else socket.once('drain', () => done());
    },
    final(done) {
      socket.end();
      done();
    },
    destroy(err, done) {
      socket.destroy(err ?? undefined);
      done(err);
    },
  });
  incoming.on('data', (chunk: Buffer) => {
    if (!duplex.push(chunk)) incoming.pause();
  });
  incoming.on('end', () => duplex.push(null));
  incoming.on('error', (err) => duplex.destroy(err));
  socket.on('close', () => duplex.destroy());
  socket.on('error', (err) => duplex.destroy(err));
  return duplex;
}
