/**
 * How RaftNode tags the entries it proposes, so that the node which proposed an entry
 * can resolve its caller's promise when the entry is applied, on whichever node the
 * leader was. Layout: [version 1][origin 8 bytes][sequence u64 big-endian][payload].
 * The origin is random per RaftNode instance, so a restarted node never mistakes an
 * entry proposed by its previous incarnation for one of its own.
 */
const VERSION = 1;
export const FRAME_HEADER_BYTES = 17;

export interface ProposalTag {
  readonly origin: Uint8Array;
  readonly seq: number;
}

export function frameProposal(origin: Uint8Array, seq: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.byteLength);
  const view = new DataView(out.buffer);
  out[0] = VERSION;
  out.set(origin, 1);
  view.setUint32(9, Math.floor(seq / 2 ** 32));
  view.setUint32(13, seq >>> 0);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

/** Splits a framed entry; an empty entry (a leader's no-op) has no tag and no payload. */
export function unframeProposal(data: Uint8Array): { tag?: ProposalTag; payload: Uint8Array } {
  if (data.byteLength === 0) return { payload: data };
  if (data[0] !== VERSION || data.byteLength < FRAME_HEADER_BYTES) {
    throw new Error(`entry is not a RaftNode proposal (first byte ${data[0]}, ${data.byteLength} bytes)`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const seq = view.getUint32(9) * 2 ** 32 + view.getUint32(13);
  return { tag: { origin: data.subarray(1, 9), seq }, payload: data.subarray(FRAME_HEADER_BYTES) };
}

export function sameOrigin(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
