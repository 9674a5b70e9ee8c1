/**
 * Which lists strategic merge patch merges, and by which key: the `patchStrategy` and
 * `patchMergeKey` tags of Kubernetes' Go types, for the fields of the kinds we serve.
 * A list not named here is atomic (the patch replaces it), as for any untagged field.
 */
export interface PatchSchema {
  readonly [field: string]: FieldMeta;
}

export interface FieldMeta {
  /** A list merged element by element: objects by this key, or primitives by value ('' ). */
  readonly mergeKey?: string;
  /** The schema of the field's value (an object) or of each list element. */
  readonly schema?: PatchSchema;
}

const merged = (mergeKey: string, schema?: PatchSchema): FieldMeta => ({ mergeKey, schema });
const nested = (schema: PatchSchema): FieldMeta => ({ schema });

const OBJECT_META: PatchSchema = { finalizers: merged(''), ownerReferences: merged('uid') };

const CONTAINER: PatchSchema = {
  ports: merged('containerPort'),
  env: merged('name'),
  volumeMounts: merged('mountPath'),
  volumeDevices: merged('devicePath'),
  resizePolicy: merged('resourceName'),
};

const POD_SPEC: PatchSchema = {
  containers: merged('name', CONTAINER),
  initContainers: merged('name', CONTAINER),
  ephemeralContainers: merged('name', CONTAINER),
  volumes: merged('name'),
  imagePullSecrets: merged('name'),
  hostAliases: merged('ip'),
  topologySpreadConstraints: merged('topologyKey'),
  schedulingGates: merged('name'),
  resourceClaims: merged('name'),
};

const POD_TEMPLATE: PatchSchema = { metadata: nested(OBJECT_META), spec: nested(POD_SPEC) };
const CONDITIONS: PatchSchema = { conditions: merged('type') };

const SCHEMAS: Record<string, PatchSchema> = {
  Pod: {
    metadata: nested(OBJECT_META),
    spec: nested(POD_SPEC),
    status: nested({ conditions: merged('type'), podIPs: merged('ip'), hostIPs: merged('ip') }),
  },
  Deployment: { metadata: nested(OBJECT_META), spec: nested({ template: nested(POD_TEMPLATE) }), status: nested(CONDITIONS) },
  ReplicaSet: { metadata: nested(OBJECT_META), spec: nested({ template: nested(POD_TEMPLATE) }), status: nested(CONDITIONS) },
  DaemonSet: { metadata: nested(OBJECT_META), spec: nested({ template: nested(POD_TEMPLATE) }), status: nested(CONDITIONS) },
  Service: { metadata: nested(OBJECT_META), spec: nested({ ports: merged('port') }), status: nested(CONDITIONS) },
  Node: { metadata: nested(OBJECT_META), status: nested({ conditions: merged('type'), addresses: merged('type'), images: merged('') }) },
  Namespace: { metadata: nested(OBJECT_META), status: nested(CONDITIONS) },
};

/** The strategic-merge schema of a kind; any kind gets at least metadata's merged lists. */
export function patchSchemaOf(kind: string): PatchSchema {
  return SCHEMAS[kind] ?? { metadata: nested(OBJECT_META) };
}
