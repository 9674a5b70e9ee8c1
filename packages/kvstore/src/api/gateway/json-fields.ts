import { EtcdError } from '../../errors/index.js';
import { JsonNumber, GoJsonError, jsonKind, unmarshalJson } from './go-json.js';

/** An enum's names and numbers: a TypeScript enum or a plain object. */
export type EnumValues = Readonly<Record<string, string | number>>;

/** The Go types of proto3 integer fields, as grpc-gateway's errors name them. */
export type GoIntType = 'int64' | 'uint64' | 'int32';

const INT_RANGE: Record<GoIntType, [bigint, bigint]> = {
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
};

/**
 * A request message read as etcd 3.4's gateway (golang/protobuf's jsonpb under
 * grpc-gateway) reads it: fields by proto name or lowerCamelCase, unknown fields ignored,
 * null as unset, bytes as padded standard base64, int64 as numbers or strings holding
 * numbers, enums by name or any number. Every malformed value is an InvalidArgument error
 * in Go's own words, which name the Go type, not the field. msgpack bodies (our own
 * extension) go through the same reader, with raw bytes and integers allowed.
 */
export class JsonFields {
  private constructor(private readonly obj: Record<string, unknown>) {}

  static of(value: unknown): JsonFields {
    if (value === undefined || value === null) return new JsonFields({});
    if (typeof value !== 'object' || Array.isArray(value) || value instanceof JsonNumber || value instanceof Uint8Array) {
      throw cannotUnmarshal(jsonKind(value), 'map[string]json.RawMessage');
    }
    return new JsonFields(value as Record<string, unknown>);
  }

  private raw(name: string): unknown {
    const v = name in this.obj ? this.obj[name] : this.obj[name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())];
    return v === null ? undefined : v;
  }

  bytes(name: string): Uint8Array {
    const v = this.raw(name);
    if (v === undefined) return new Uint8Array(0);
    if (v instanceof Uint8Array) return v;
    if (typeof v !== 'string') throw cannotUnmarshal(jsonKind(v), '[]uint8');
    return decodeBase64(v);
  }

  /**
   * An integer as a JavaScript number. Beyond 2^53 it is rounded: such a value is no
   * revision, count or TTL the store can hold, and rounding keeps how it compares to them.
   */
  int(name: string, type: GoIntType = 'int64'): number {
    return Number(this.bigint(name, type));
  }

  /** An integer that may exceed 2^53 (lease and member IDs). */
  bigint(name: string, type: GoIntType = 'int64'): bigint {
    return integer(this.raw(name), type);
  }

  bool(name: string): boolean {
    const v = this.raw(name);
    if (v === undefined) return false;
    if (typeof v !== 'boolean') throw cannotUnmarshal(jsonKind(v), 'bool');
    return v;
  }

  string(name: string): string {
    const v = this.raw(name);
    if (v === undefined) return '';
    if (typeof v !== 'string') throw cannotUnmarshal(jsonKind(v), 'string');
    return v;
  }

  strings(name: string): string[] {
    return this.array(name).map((v) => {
      if (typeof v !== 'string') throw cannotUnmarshal(jsonKind(v), 'string');
      return v;
    });
  }

  /**
   * An enum by name or number. An unknown name is refused; any int32 passes, as it does
   * through the gateway, and means whatever etcd makes of an unknown value.
   */
  enumOf(name: string, values: EnumValues, goType: string): number {
    return enumValue(this.raw(name), values, goType);
  }

  /** A repeated enum field. */
  enums(name: string, values: EnumValues, goType: string): number[] {
    return this.array(name).map((v) => enumValue(v, values, goType));
  }

  message(name: string): JsonFields {
    return JsonFields.of(this.raw(name));
  }

  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  array(name: string): unknown[] {
    const v = this.raw(name);
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw cannotUnmarshal(jsonKind(v), '[]json.RawMessage');
    return v;
  }

  messages(name: string): JsonFields[] {
    return this.array(name).map((v) => JsonFields.of(v));
  }
}

/** encoding/json's UnmarshalTypeError. */
const cannotUnmarshal = (what: string, goType: string) => EtcdError.badRequest(`json: cannot unmarshal ${what} into Go value of type ${goType}`);

/** jsonpb takes an integer as a number or a string holding one, whose quotes it drops before decoding. */
function integer(v: unknown, type: GoIntType, goName: string = type): bigint {
  if (v === undefined) return 0n;
  if (typeof v === 'string') {
    try {
      v = unmarshalJson(v);
    } catch (err) {
      if (err instanceof GoJsonError) throw EtcdError.badRequest(err.message);
      throw err;
    }
    if (v === null) return 0n;
  }
  let literal: string;
  if (typeof v === 'number') literal = Number.isInteger(v) ? BigInt(v).toString() : String(v);
  else if (typeof v === 'bigint') literal = v.toString();
  else if (v instanceof JsonNumber) literal = v.literal;
  else throw cannotUnmarshal(jsonKind(v), goName);
  const [min, max] = INT_RANGE[type];
  if (!/^-?\d+$/.test(literal) || BigInt(literal) < min || BigInt(literal) > max) throw cannotUnmarshal(`number ${literal}`, goName);
  return BigInt(literal);
}

function enumValue(v: unknown, values: EnumValues, goType: string): number {
  if (v === undefined || v === null) return 0;
  const type = `etcdserverpb.${goType}`;
  if (typeof v === 'string') {
    // A TypeScript enum also maps numbers back to names: only name → number entries count.
    const n = Object.hasOwn(values, v) ? values[v] : undefined;
    if (typeof n !== 'number') throw EtcdError.badRequest(`unknown value ${JSON.stringify(v)} for enum ${type}`);
    return n;
  }
  if (typeof v === 'number' || typeof v === 'bigint' || v instanceof JsonNumber) return Number(integer(v, 'int32', type));
  throw cannotUnmarshal(jsonKind(v), type);
}

const ALPHABET = new Int16Array(256).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries()) ALPHABET[c.charCodeAt(0)] = i;

const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Go's base64.StdEncoding.Decode, which encoding/json uses for []byte: the standard
 * alphabet, padding required, CR and LF skipped, and errors at Go's byte offsets.
 */
export function decodeBase64(text: string): Uint8Array {
  if (CANONICAL_BASE64.test(text)) return Buffer.from(text, 'base64');
  const src = Buffer.from(text, 'utf8');
  const out = new Uint8Array(Math.floor((src.length * 3) / 4) + 3);
  const corrupt = (at: number) => EtcdError.badRequest(`illegal base64 data at input byte ${at}`);
  const isNewline = (b: number) => b === 0x0a || b === 0x0d;
  let si = 0;
  let n = 0;
  for (;;) {
    const quantum = [0, 0, 0, 0];
    let length = 4;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return out.subarray(0, n);
        throw corrupt(si - j);
      }
      const c = src[si++];
      if (ALPHABET[c] >= 0) {
        quantum[j] = ALPHABET[c];
        continue;
      }
      if (isNewline(c)) {
        j--;
        continue;
      }
      if (c !== 0x3d || j < 2) throw corrupt(si - 1);
      if (j === 2) {
        // "==" is expected; the first "=" is already read.
        while (si < src.length && isNewline(src[si])) si++;
        if (si === src.length) throw corrupt(src.length);
        if (src[si] !== 0x3d) throw corrupt(si - 1);
        si++;
      }
      while (si < src.length && isNewline(src[si])) si++;
      if (si < src.length) throw corrupt(si);
      length = j;
      break;
    }
    const bits = (quantum[0] << 18) | (quantum[1] << 12) | (quantum[2] << 6) | quantum[3];
    out[n++] = bits >> 16;
    if (length > 2) out[n++] = (bits >> 8) & 0xff;
    if (length > 3) out[n++] = bits & 0xff;
    if (length < 4) return out.subarray(0, n);
  }
}

export const base64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

/** Builds proto3 JSON output: zero values are left out, int64 become strings, bytes base64. */
export function compact(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || v === false || v === 0 || v === '' || v === 0n) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (v instanceof Uint8Array) {
      if (v.byteLength > 0) out[k] = base64(v);
      continue;
    }
    out[k] = typeof v === 'bigint' ? v.toString() : v;
  }
  return out;
}

/** An int64 in proto3 JSON. */
export const i64 = (n: number | bigint): string | undefined => (n === 0 || n === 0n ? undefined : n.toString());
