import { Packr } from 'msgpackr';
import type { Message, MsgSnap } from '../core/index.js';

/**
 * Plain maps and arrays (no msgpackr records), so any msgpack reader can decode a batch.
 * Byte arrays travel as msgpack bin and decode as Buffers, which are Uint8Arrays. They are
 * views into the request body, not copies: a decoded entry keeps its batch's body alive.
 */
const packr = new Packr({ useRecords: false, moreTypes: false });

/** The wire form of a batch: a msgpack array of messages. */
export function encodeMessages(messages: readonly Message[]): Uint8Array {
  return packr.pack(messages);
}

/** A body from a peer that is not a valid batch; the server answers it with 400. */
export class CodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CodecError';
  }
}

/** Decodes a batch from a peer, checking the envelope of every message; throws CodecError on garbage. */
export function decodeMessages(body: Uint8Array): Message[] {
  if (body.byteLength === 0) throw new CodecError('empty body: expected a msgpack array of messages');
  let decoded: unknown;
  try {
    decoded = packr.unpack(body);
  } catch (err) {
    throw new CodecError(`malformed msgpack body: ${(err as Error).message}`);
  }
  if (!Array.isArray(decoded)) throw new CodecError('a message batch must be an array');
  for (const m of decoded) checkEnvelope(m);
  return decoded as Message[];
}

/** Decodes the body of POST /raft/v1/snapshot: a batch of exactly one `snap` message with its data. */
export function decodeSnapshot(body: Uint8Array): MsgSnap {
  const messages = decodeMessages(body);
  if (messages.length !== 1 || messages[0].type !== 'snap') throw new CodecError('a snapshot body must hold exactly one snap message');
  const snap = messages[0];
  const s = snap.snapshot as Partial<MsgSnap['snapshot']> | undefined;
  if (typeof s !== 'object' || s === null || !(s.data instanceof Uint8Array) || typeof s.metadata?.index !== 'number') {
    throw new CodecError('a snap message needs snapshot.data bytes and snapshot.metadata');
  }
  return snap;
}

function checkEnvelope(m: unknown): void {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new CodecError('a message must be a map');
  const { type, from, to, term } = m as Record<string, unknown>;
  if (typeof type !== 'string' || typeof from !== 'string' || typeof to !== 'string' || typeof term !== 'number') {
    throw new CodecError('a message needs string type, from and to, and a numeric term');
  }
}
