import { DELETE_OPTIONS, KINDS, type ScalarType, type Schema } from './kinds.js';
import { type WireField, ProtobufError, wireFields } from './wire.js';

/**
 * Request bodies in Kubernetes' protobuf encoding (`application/vnd.kubernetes.protobuf`), which
 * client-go's typed clients send: kubectl's `create namespace|configmap|secret|serviceaccount|token`,
 * `create role|rolebinding|clusterrole|clusterrolebinding`, `create deployment|service` and
 * `auth can-i [--list]|whoami`.
 * A body is the magic `k8s\0` and a runtime.Unknown {typeMeta{apiVersion, kind}, raw}; raw is
 * the object's message. Only the kinds in ./kinds.ts are decoded; any other is refused, and the
 * caller answers 415.
 */
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const INT_OR_STRING: Schema = { 1: { name: 'type', type: 'int64', keepZero: true }, 2: { name: 'intVal', type: 'int64', keepZero: true }, 3: { name: 'strVal', type: 'string' } };
const QUANTITY: Schema = { 1: { name: 'string', type: 'string' } };

function scalar(type: ScalarType, f: WireField): unknown {
  if (type === 'bool' || type === 'int64') {
    if (f.wireType !== 0) throw new ProtobufError(`expected a varint for a ${type}`);
    return type === 'bool' ? f.value !== 0n : Number(BigInt.asIntN(64, f.value));
  }
  if (f.wireType !== 2) throw new ProtobufError(`expected a length-delimited ${type}`);
  if (type === 'intOrString') {
    const v = decodeMessage(f.value, INT_OR_STRING);
    return v.type === 1 ? (v.strVal ?? '') : (v.intVal ?? 0);
  }
  if (type === 'quantity') return decodeMessage(f.value, QUANTITY).string ?? '0';
  // JSON carries bytes as base64, as Kubernetes' JSON encoding does.
  return type === 'bytes' ? f.value.toString('base64') : f.value.toString('utf8');
}

const isZero = (v: unknown) => v === '' || v === 0 || v === false;

function decodeMessage(buf: Buffer, schema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of wireFields(buf)) {
    const spec = schema[f.number];
    if (!spec) continue;
    const type = spec.type;
    let value: unknown;
    if (typeof type === 'string') {
      value = scalar(type, f);
      if (!spec.repeated && !spec.keepZero && isZero(value)) continue;
    } else if (f.wireType !== 2) throw new ProtobufError(`field ${spec.name}: expected a message`);
    else if ('message' in type) value = decodeMessage(f.value, type.message);
    else {
      const entry = decodeMessage(f.value, { 1: { name: 'key', type: 'string', keepZero: true }, 2: { name: 'value', type: type.map, keepZero: true } });
      const map = (out[spec.name] ??= {}) as Record<string, unknown>;
      map[String(entry.key ?? '')] = entry.value ?? '';
      continue;
    }
    if (spec.inline) Object.assign(out, value);
    else if (spec.repeated) ((out[spec.name] ??= []) as unknown[]).push(value);
    else out[spec.name] = value;
  }
  return out;
}

/** The object a protobuf request body holds, as the JSON the rest of the apiserver speaks; null for a kind not decoded here. */
export function decodeKubeProtobuf(body: Buffer): Record<string, unknown> | null {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) throw new ProtobufError('missing the k8s protobuf magic number');
  const unknown = decodeMessage(body.subarray(MAGIC.length), {
    1: { name: 'typeMeta', type: { message: { 1: { name: 'apiVersion', type: 'string' }, 2: { name: 'kind', type: 'string' } } } },
    2: { name: 'raw', type: 'bytes' },
  });
  const typeMeta = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  // DeleteOptions is registered in every group version, so it is read whatever apiVersion it carries.
  const schema = KINDS[`${typeMeta.apiVersion}/${typeMeta.kind}`] ?? (typeMeta.kind === 'DeleteOptions' ? DELETE_OPTIONS : undefined);
  if (!schema) return null;
  const object = decodeMessage(Buffer.from(String(unknown.raw ?? ''), 'base64'), schema);
  return { apiVersion: typeMeta.apiVersion, kind: typeMeta.kind, ...object, metadata: object.metadata ?? {} };
}
