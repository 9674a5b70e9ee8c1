/** One field of a protobuf message as it stands on the wire. */
export type WireField =
  | { readonly number: number; readonly wireType: 0; readonly value: bigint }
  | { readonly number: number; readonly wireType: 1 | 5; readonly value: Buffer }
  | { readonly number: number; readonly wireType: 2; readonly value: Buffer };

export class ProtobufError extends Error {}

function readVarint(buf: Buffer, at: number): { value: bigint; next: number } {
  let value = 0n;
  let shift = 0n;
  for (let i = at; i < buf.length && shift < 70n; i++) {
    const byte = buf[i];
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value, next: i + 1 };
    shift += 7n;
  }
  throw new ProtobufError('truncated varint');
}

/** The fields of one message, in wire order (repeated fields appear once per element). */
export function wireFields(buf: Buffer): WireField[] {
  const fields: WireField[] = [];
  let at = 0;
  while (at < buf.length) {
    const tag = readVarint(buf, at);
    at = tag.next;
    const number = Number(tag.value >> 3n);
    const wireType = Number(tag.value & 7n);
    switch (wireType) {
      case 0: {
        const v = readVarint(buf, at);
        fields.push({ number, wireType, value: v.value });
        at = v.next;
        break;
      }
      case 1:
      case 5: {
        const size = wireType === 1 ? 8 : 4;
        if (at + size > buf.length) throw new ProtobufError('truncated fixed-width field');
        fields.push({ number, wireType, value: buf.subarray(at, at + size) });
        at += size;
        break;
      }
      case 2: {
        const length = readVarint(buf, at);
        const end = length.next + Number(length.value);
        if (end > buf.length) throw new ProtobufError('truncated length-delimited field');
        fields.push({ number, wireType, value: buf.subarray(length.next, end) });
        at = end;
        break;
      }
      default:
        throw new ProtobufError(`unsupported wire type ${wireType}`);
    }
  }
  return fields;
}
