import { EtcdError } from '../../errors/index.js';

/**
 * Reading proto3 JSON as grpc-gateway does: fields by proto name (snake_case) or
 * lowerCamelCase, bytes as base64, int64 as strings or numbers, enums by name or number.
 * Every malformed value is an InvalidArgument error naming the field.
 */
export class JsonFields {
  constructor(
    private readonly obj: Record<string, unknown>,
    private readonly path = '',
  ) {}

  static of(value: unknown, path = ''): JsonFields {
    if (value === undefined || value === null) return new JsonFields({}, path);
    if (typeof value !== 'object' || Array.isArray(value)) throw EtcdError.badRequest(`${path || 'body'}: expected a JSON object`);
    return new JsonFields(value as Record<string, unknown>, path);
  }

  private raw(name: string): unknown {
    if (name in this.obj) return this.obj[name];
    const camel = name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    return this.obj[camel];
  }

  private where(name: string): string {
    return this.path ? `${this.path}.${name}` : name;
  }

  bytes(name: string): Uint8Array {
    const v = this.raw(name);
    if (v === undefined || v === null) return new Uint8Array(0);
    // msgpack bodies may carry raw bytes.
    if (v instanceof Uint8Array) return v;
    if (typeof v !== 'string') throw EtcdError.badRequest(`${this.where(name)}: bytes must be a base64 string`);
    return decodeBase64(v, this.where(name));
  }

  int(name: string): number {
    const v = this.raw(name);
    if (v === undefined || v === null) return 0;
    const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw EtcdError.badRequest(`${this.where(name)}: invalid value ${JSON.stringify(v)} for an integer`);
    return n;
  }

  /** An int64 that may exceed 2^53 (lease and member IDs). */
  bigint(name: string): bigint {
    const v = this.raw(name);
    if (v === undefined || v === null) return 0n;
    if ((typeof v === 'string' && /^-?\d+$/.test(v)) || (typeof v === 'number' && Number.isSafeInteger(v))) return BigInt(v);
    throw EtcdError.badRequest(`${this.where(name)}: invalid value ${JSON.stringify(v)} for an integer`);
  }

  bool(name: string): boolean {
    const v = this.raw(name);
    if (v === undefined || v === null) return false;
    if (typeof v !== 'boolean') throw EtcdError.badRequest(`${this.where(name)}: invalid value ${JSON.stringify(v)} for a bool`);
    return v;
  }

  string(name: string): string {
    const v = this.raw(name);
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') throw EtcdError.badRequest(`${this.where(name)}: expected a string`);
    return v;
  }

  strings(name: string): string[] {
    return this.array(name).map((v, i) => {
      if (typeof v !== 'string') throw EtcdError.badRequest(`${this.where(name)}[${i}]: expected a string`);
      return v;
    });
  }

  /** An enum by name or number; unknown values are refused, as grpc-gateway does. */
  enumOf<T extends Record<string, string | number>>(name: string, values: T): number {
    return enumValue(this.raw(name), values, this.where(name));
  }

  /** The i-th element of a repeated enum field. */
  enumAt<T extends Record<string, string | number>>(name: string, i: number, values: T): number {
    return enumValue(this.array(name)[i], values, `${this.where(name)}[${i}]`);
  }

  message(name: string): JsonFields {
    return JsonFields.of(this.raw(name), this.where(name));
  }

  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  array(name: string): unknown[] {
    const v = this.raw(name);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw EtcdError.badRequest(`${this.where(name)}: expected an array`);
    return v;
  }

  messages(name: string): JsonFields[] {
    return this.array(name).map((v, i) => JsonFields.of(v, `${this.where(name)}[${i}]`));
  }
}

function enumValue(v: unknown, values: Record<string, string | number>, where: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'string' && typeof values[v] === 'number') return values[v] as number;
  if (typeof v === 'number' && Object.values(values).includes(v)) return v;
  throw EtcdError.badRequest(`${where}: unknown enum value ${JSON.stringify(v)}`);
}

const BASE64 = /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/;

export function decodeBase64(text: string, where: string): Uint8Array {
  if (!BASE64.test(text)) {
    const at = [...text].findIndex((c) => !/[A-Za-z0-9+/=_-]/.test(c));
    throw EtcdError.badRequest(`${where}: illegal base64 data at input byte ${at >= 0 ? at : text.length}`);
  }
  return new Uint8Array(Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
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
