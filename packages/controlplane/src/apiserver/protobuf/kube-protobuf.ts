import { type WireField, ProtobufError, wireFields } from './wire.js';

/**
 * Request bodies in Kubernetes' protobuf encoding (`application/vnd.kubernetes.protobuf`), which
 * client-go's typed clients send: kubectl's `create namespace|configmap|secret|serviceaccount|token|role|rolebinding|clusterrole|clusterrolebinding`
 * and `auth can-i [--list]|whoami`.
 * A body is the magic `k8s\0` and a runtime.Unknown {typeMeta{apiVersion, kind}, raw}; raw is
 * the object's message. Only the kinds below are decoded (field numbers from k8s.io/api's
 * generated.proto); any other is refused, and the caller answers 415.
 */
type FieldType = 'string' | 'bytes' | 'bool' | 'int64' | { readonly message: Schema } | { readonly map: 'string' | 'bytes' };
interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  readonly repeated?: boolean;
}
type Schema = Readonly<Record<number, FieldSpec>>;

const OWNER_REFERENCE: Schema = {
  1: { name: 'kind', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' },
  6: { name: 'controller', type: 'bool' },
  7: { name: 'blockOwnerDeletion', type: 'bool' },
};

/** ObjectMeta's writable fields (server-set ones such as timestamps are ignored on create). */
const OBJECT_META: Schema = {
  1: { name: 'name', type: 'string' },
  2: { name: 'generateName', type: 'string' },
  3: { name: 'namespace', type: 'string' },
  5: { name: 'uid', type: 'string' },
  6: { name: 'resourceVersion', type: 'string' },
  7: { name: 'generation', type: 'int64' },
  11: { name: 'labels', type: { map: 'string' } },
  12: { name: 'annotations', type: { map: 'string' } },
  13: { name: 'ownerReferences', type: { message: OWNER_REFERENCE }, repeated: true },
  14: { name: 'finalizers', type: 'string', repeated: true },
};
const METADATA: FieldSpec = { name: 'metadata', type: { message: OBJECT_META } };
const LOCAL_OBJECT_REFERENCE: Schema = { 1: { name: 'name', type: 'string' } };

const RESOURCE_ATTRIBUTES: Schema = {
  1: { name: 'namespace', type: 'string' },
  2: { name: 'verb', type: 'string' },
  3: { name: 'group', type: 'string' },
  4: { name: 'version', type: 'string' },
  5: { name: 'resource', type: 'string' },
  6: { name: 'subresource', type: 'string' },
  7: { name: 'name', type: 'string' },
};

const POLICY_RULE: Schema = {
  1: { name: 'verbs', type: 'string', repeated: true },
  2: { name: 'apiGroups', type: 'string', repeated: true },
  3: { name: 'resources', type: 'string', repeated: true },
  4: { name: 'resourceNames', type: 'string', repeated: true },
  5: { name: 'nonResourceURLs', type: 'string', repeated: true },
};
const LABEL_SELECTOR: Schema = {
  1: { name: 'matchLabels', type: { map: 'string' } },
  2: { name: 'matchExpressions', type: { message: { 1: { name: 'key', type: 'string' }, 2: { name: 'operator', type: 'string' }, 3: { name: 'values', type: 'string', repeated: true } } }, repeated: true },
};
const RULES: FieldSpec = { name: 'rules', type: { message: POLICY_RULE }, repeated: true };
const BINDING: Schema = {
  1: METADATA,
  2: { name: 'subjects', type: { message: { 1: { name: 'kind', type: 'string' }, 2: { name: 'apiGroup', type: 'string' }, 3: { name: 'name', type: 'string' }, 4: { name: 'namespace', type: 'string' } } }, repeated: true },
  3: { name: 'roleRef', type: { message: { 1: { name: 'apiGroup', type: 'string' }, 2: { name: 'kind', type: 'string' }, 3: { name: 'name', type: 'string' } } } },
};

const KINDS: Readonly<Record<string, Schema>> = {
  'v1/Namespace': { 1: METADATA, 2: { name: 'spec', type: { message: { 1: { name: 'finalizers', type: 'string', repeated: true } } } } },
  'v1/ConfigMap': {
    1: METADATA,
    2: { name: 'data', type: { map: 'string' } },
    3: { name: 'binaryData', type: { map: 'bytes' } },
    4: { name: 'immutable', type: 'bool' },
  },
  'v1/Secret': {
    1: METADATA,
    2: { name: 'data', type: { map: 'bytes' } },
    3: { name: 'type', type: 'string' },
    4: { name: 'stringData', type: { map: 'string' } },
    5: { name: 'immutable', type: 'bool' },
  },
  'authentication.k8s.io/v1/TokenRequest': {
    1: METADATA,
    2: {
      name: 'spec',
      type: {
        message: {
          1: { name: 'audiences', type: 'string', repeated: true },
          3: { name: 'boundObjectRef', type: { message: { 1: { name: 'kind', type: 'string' }, 2: { name: 'apiVersion', type: 'string' }, 3: { name: 'name', type: 'string' }, 4: { name: 'uid', type: 'string' } } } },
          4: { name: 'expirationSeconds', type: 'int64' },
        },
      },
    },
  },
  'authentication.k8s.io/v1/SelfSubjectReview': { 1: METADATA },
  'authorization.k8s.io/v1/SelfSubjectAccessReview': {
    1: METADATA,
    2: {
      name: 'spec',
      type: {
        message: {
          1: { name: 'resourceAttributes', type: { message: RESOURCE_ATTRIBUTES } },
          2: { name: 'nonResourceAttributes', type: { message: { 1: { name: 'path', type: 'string' }, 2: { name: 'verb', type: 'string' } } } },
        },
      },
    },
  },
  'authorization.k8s.io/v1/SelfSubjectRulesReview': { 1: METADATA, 2: { name: 'spec', type: { message: { 1: { name: 'namespace', type: 'string' } } } } },
  'rbac.authorization.k8s.io/v1/Role': { 1: METADATA, 2: RULES },
  'rbac.authorization.k8s.io/v1/ClusterRole': { 1: METADATA, 2: RULES, 3: { name: 'aggregationRule', type: { message: { 1: { name: 'clusterRoleSelectors', type: { message: LABEL_SELECTOR }, repeated: true } } } } },
  'rbac.authorization.k8s.io/v1/RoleBinding': BINDING,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': BINDING,
  'v1/ServiceAccount': {
    1: METADATA,
    3: { name: 'imagePullSecrets', type: { message: LOCAL_OBJECT_REFERENCE }, repeated: true },
    4: { name: 'automountServiceAccountToken', type: 'bool' },
  },
};

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

function scalar(type: 'string' | 'bytes' | 'bool' | 'int64', f: WireField): unknown {
  if (type === 'bool' || type === 'int64') {
    if (f.wireType !== 0) throw new ProtobufError(`expected a varint for a ${type}`);
    return type === 'bool' ? f.value !== 0n : Number(BigInt.asIntN(64, f.value));
  }
  if (f.wireType !== 2) throw new ProtobufError(`expected a length-delimited ${type}`);
  // JSON carries bytes as base64, as Kubernetes' JSON encoding does.
  return type === 'bytes' ? f.value.toString('base64') : f.value.toString('utf8');
}

function decodeMessage(buf: Buffer, schema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of wireFields(buf)) {
    const spec = schema[f.number];
    if (!spec) continue;
    const type = spec.type;
    let value: unknown;
    if (typeof type === 'string') value = scalar(type, f);
    else if (f.wireType !== 2) throw new ProtobufError(`field ${spec.name}: expected a message`);
    else if ('message' in type) value = decodeMessage(f.value, type.message);
    else {
      const entry = decodeMessage(f.value, { 1: { name: 'key', type: 'string' }, 2: { name: 'value', type: type.map } });
      const map = (out[spec.name] ??= {}) as Record<string, unknown>;
      map[String(entry.key ?? '')] = entry.value ?? (type.map === 'bytes' ? '' : '');
      continue;
    }
    if (spec.repeated) ((out[spec.name] ??= []) as unknown[]).push(value);
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
  const schema = KINDS[`${typeMeta.apiVersion}/${typeMeta.kind}`];
  if (!schema) return null;
  const object = decodeMessage(Buffer.from(String(unknown.raw ?? ''), 'base64'), schema);
  return { apiVersion: typeMeta.apiVersion, kind: typeMeta.kind, ...object, metadata: object.metadata ?? {} };
}
