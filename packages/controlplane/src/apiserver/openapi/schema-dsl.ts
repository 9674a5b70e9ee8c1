/**
 * A compact way to write the OpenAPI v3 schemas of the served kinds, and its translation into
 * the form kube-apiserver publishes (components.schemas named io.k8s.api.core.v1.Pod, references
 * wrapped in allOf, `x-kubernetes-group-version-kind` on each kind, the strategic-merge-patch
 * extensions on merged lists), which `kubectl explain` reads.
 */

/**
 * A field's type: string, integer, int64, boolean, IntOrString, Quantity, Time, a type name
 * from the tables (Container), any of them followed by [] (a list), or map<T> (string keys).
 * `object` is a free-form object.
 */
export type TypeText = string;

export interface FieldDef {
  readonly type: TypeText;
  readonly description: string;
  readonly required?: boolean;
  /** A list strategic merge patch merges by this key ('' for primitives merged by value). */
  readonly mergeKey?: string;
}

export interface TypeDef {
  readonly description: string;
  readonly fields: Readonly<Record<string, FieldDef>>;
  /** Set on the top-level kinds. */
  readonly gvk?: { readonly group: string; readonly version: string; readonly kind: string };
}

type Json = Record<string, unknown>;

/** A field of type `type`: f('string', 'What it is.'). */
export function f(type: TypeText, description: string, extra: Omit<FieldDef, 'type' | 'description'> = {}): FieldDef {
  return { type, description, ...extra };
}

/** A top-level kind: apiVersion, kind and metadata, then its own fields. */
export function kindOf(group: string, version: string, kind: string, description: string, fields: Record<string, FieldDef>): TypeDef {
  return {
    description,
    gvk: { group, version, kind },
    fields: {
      apiVersion: f('string', 'The versioned schema of this representation of the object (e.g. v1, apps/v1).'),
      kind: f('string', 'The REST resource this object represents, in CamelCase (e.g. Pod).'),
      metadata: f('ObjectMeta', "The object's metadata."),
      ...fields,
    },
  };
}

/** A status condition type: type, status, reason, message, lastTransitionTime, and `extra` fields. */
export function conditionOf(description: string, extra: Record<string, FieldDef> = {}): TypeDef {
  return {
    description,
    fields: {
      type: f('string', 'The condition type.', { required: true }),
      status: f('string', 'True, False or Unknown.', { required: true }),
      reason: f('string', 'Why, in CamelCase.'),
      message: f('string', 'Why, for people.'),
      lastTransitionTime: f('Time', 'When the status last changed.'),
      ...extra,
    },
  };
}

const SCALARS: Readonly<Record<string, Json>> = {
  string: { type: 'string' },
  integer: { type: 'integer', format: 'int32' },
  int64: { type: 'integer', format: 'int64' },
  boolean: { type: 'boolean' },
  object: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
};

/** The well-known apimachinery types every document carries. */
export const APIMACHINERY: Readonly<Record<string, Json>> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: 'string', format: 'int-or-string', description: 'A value that is either a whole number or a string (a port number or a port name; a count or a percentage).' },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string', description: 'A fixed-point number with an optional suffix: 100m (0.1), 2, 512Mi, 1G.' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { type: 'string', format: 'date-time', description: 'A time in RFC 3339 form, to the second.' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': { type: 'string', format: 'date-time', description: 'A time in RFC 3339 form, to the microsecond.' },
};

const ALIASES: Readonly<Record<string, string>> = {
  IntOrString: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
  Quantity: 'io.k8s.apimachinery.pkg.api.resource.Quantity',
  Time: 'io.k8s.apimachinery.pkg.apis.meta.v1.Time',
  MicroTime: 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime',
};

const ref = (name: string) => ({ allOf: [{ $ref: `#/components/schemas/${name}` }] });

/** The schema of a type text; `resolve` turns a short type name into its full schema name. */
function schemaOfType(type: TypeText, resolve: (short: string) => string): Json {
  if (type.endsWith('[]')) return { type: 'array', items: { ...schemaOfType(type.slice(0, -2), resolve), default: defaultOf(type.slice(0, -2)) } };
  const map = /^map<(.+)>$/.exec(type);
  if (map) return { type: 'object', additionalProperties: { ...schemaOfType(map[1], resolve), default: defaultOf(map[1]) } };
  if (SCALARS[type]) return { ...SCALARS[type] };
  if (ALIASES[type]) return ref(ALIASES[type]);
  return ref(resolve(type));
}

function defaultOf(type: TypeText): unknown {
  if (type === 'string') return '';
  if (type === 'integer' || type === 'int64') return 0;
  if (type === 'boolean') return false;
  if (SCALARS[type] || ALIASES[type] || type.endsWith('[]') || type.startsWith('map<')) return undefined;
  return {};
}

/** The OpenAPI schema of one type. */
export function openApiSchemaOf(def: TypeDef, resolve: (short: string) => string): Json {
  const properties: Json = {};
  const required: string[] = [];
  for (const [name, field] of Object.entries(def.fields)) {
    const schema: Json = { ...schemaOfType(field.type, resolve), description: field.description };
    const dflt = field.type.endsWith('[]') || field.type.startsWith('map<') ? undefined : defaultOf(field.type);
    if (dflt !== undefined && typeof dflt === 'object') schema.default = dflt;
    if (field.mergeKey !== undefined) {
      schema['x-kubernetes-patch-strategy'] = 'merge';
      if (field.mergeKey) schema['x-kubernetes-patch-merge-key'] = field.mergeKey;
    }
    properties[name] = schema;
    if (field.required) required.push(name);
  }
  return {
    description: def.description,
    type: 'object',
    properties,
    ...(required.length ? { required } : {}),
    ...(def.gvk ? { 'x-kubernetes-group-version-kind': [def.gvk] } : {}),
  };
}
