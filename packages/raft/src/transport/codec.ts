import { Packr } from 'msgpackr';
import type { Message } from '../core/index.js';

/** Plain maps and arrays (no msgpackr records), so any msgpack reader can decode a batch. */
const packr = new Packr({ useRecords: false, moreTypes: false });

export function encodeMessages(messages: readonly Message[]): Uint8Array {
  return packr.pack(messages);
}

export class CodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CodecError';
  }
}

/** Decodes a batch from a peer, checking the envelope of every message; throws CodecError on garbage. */
export function decodeMessages(body: Uint8Array): Message[] {
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

function checkEnvelope(m: unknown): void {
  if (typeof m !== 'object' || m === null) throw new CodecError('a message must be a map');
  const { type, from, to, term } = m as Record<string, unknown>;
  if (typeof type !== 'string' || typeof from !== 'string' || typeof to !== 'string' || typeof term !== 'number') {
    throw new CodecError('a message needs string type, from and to, and a numeric term');
  }
}
