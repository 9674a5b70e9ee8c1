/**
 * The protobuf schemas of the kinds the apiserver reads from protobuf request bodies: field
 * numbers and JSON names from k8s.io/api's generated.proto, only the fields clients write.
 */
/** A scalar as Kubernetes' JSON carries it. intOrString is intstr.IntOrString; quantity is resource.Quantity (its text). */
export type ScalarType = 'string' | 'bytes' | 'bool' | 'int64' | 'intOrString' | 'quantity';
export type FieldType = ScalarType | { readonly message: Schema } | { readonly map: 'string' | 'bytes' | 'quantity' };

export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  readonly repeated?: boolean;
  /**
   * A Go pointer field (*int32, *bool, *string): its zero value was set on purpose and is kept.
   * Go writes every value field, set or not, so a singular zero scalar is otherwise dropped,
   * as JSON's omitempty would have left it out (and the apiserver's defaulting fills it in).
   */
  readonly keepZero?: boolean;
  /** Embedded in its parent in JSON (`json:",inline"`): its fields are merged into the parent. */
  readonly inline?: boolean;
}

export type Schema = Readonly<Record<number, FieldSpec>>;

const str = (name: string, keepZero = false): FieldSpec => ({ name, type: 'string', ...(keepZero ? { keepZero } : {}) });
const strings = (name: string): FieldSpec => ({ name, type: 'string', repeated: true });
const int = (name: string, keepZero = false): FieldSpec => ({ name, type: 'int64', ...(keepZero ? { keepZero } : {}) });
const bool = (name: string, keepZero = false): FieldSpec => ({ name, type: 'bool', ...(keepZero ? { keepZero } : {}) });
const message = (name: string, schema: Schema, repeated = false): FieldSpec => ({ name, type: { message: schema }, ...(repeated ? { repeated } : {}) });

const OWNER_REFERENCE: Schema = {
  1: str('kind'),
  3: str('name'),
  4: str('uid'),
  5: str('apiVersion'),
  6: bool('controller', true),
  7: bool('blockOwnerDeletion', true),
};

/** ObjectMeta's writable fields (server-set ones such as timestamps are ignored on create). */
const OBJECT_META: Schema = {
  1: str('name'),
  2: str('generateName'),
  3: str('namespace'),
  5: str('uid'),
  6: str('resourceVersion'),
  7: int('generation'),
  11: { name: 'labels', type: { map: 'string' } },
  12: { name: 'annotations', type: { map: 'string' } },
  13: { name: 'ownerReferences', type: { message: OWNER_REFERENCE }, repeated: true },
  14: strings('finalizers'),
};
export const METADATA: FieldSpec = { name: 'metadata', type: { message: OBJECT_META } };
const LOCAL_OBJECT_REFERENCE: Schema = { 1: str('name') };

const RESOURCE_ATTRIBUTES: Schema = {
  1: str('namespace'),
  2: str('verb'),
  3: str('group'),
  4: str('version'),
  5: str('resource'),
  6: str('subresource'),
  7: str('name'),
};

const POLICY_RULE: Schema = {
  1: strings('verbs'),
  2: strings('apiGroups'),
  3: strings('resources'),
  4: strings('resourceNames'),
  5: strings('nonResourceURLs'),
};
const LABEL_SELECTOR: Schema = {
  1: { name: 'matchLabels', type: { map: 'string' } },
  2: { name: 'matchExpressions', type: { message: { 1: str('key'), 2: str('operator'), 3: strings('values') } }, repeated: true },
};
const RULES: FieldSpec = { name: 'rules', type: { message: POLICY_RULE }, repeated: true };
const BINDING: Schema = {
  1: METADATA,
  2: { name: 'subjects', type: { message: { 1: str('kind'), 2: str('apiGroup'), 3: str('name'), 4: str('namespace') } }, repeated: true },
  3: { name: 'roleRef', type: { message: { 1: str('apiGroup'), 2: str('kind'), 3: str('name') } } },
};

const TOLERATION: Schema = { 1: str('key'), 2: str('operator'), 3: str('value'), 4: str('effect'), 5: int('tolerationSeconds', true) };
const PROBE_HANDLER: Schema = {
  1: message('exec', { 1: strings('command') }),
  2: message('httpGet', { 1: str('path'), 2: { name: 'port', type: 'intOrString' }, 3: str('host'), 4: str('scheme') }),
  3: message('tcpSocket', { 1: { name: 'port', type: 'intOrString' }, 2: str('host') }),
};
const PROBE: Schema = {
  1: { name: 'handler', type: { message: PROBE_HANDLER }, inline: true },
  2: int('initialDelaySeconds'),
  3: int('timeoutSeconds'),
  4: int('periodSeconds'),
  5: int('successThreshold'),
  6: int('failureThreshold'),
  7: int('terminationGracePeriodSeconds', true),
};
const CONTAINER: Schema = {
  1: str('name'),
  2: str('image'),
  3: strings('command'),
  4: strings('args'),
  5: str('workingDir'),
  6: message('ports', { 1: str('name'), 2: int('hostPort'), 3: int('containerPort'), 4: str('protocol'), 5: str('hostIP') }, true),
  7: message('env', { 1: str('name'), 2: str('value') }, true),
  8: message('resources', { 1: { name: 'limits', type: { map: 'quantity' } }, 2: { name: 'requests', type: { map: 'quantity' } } }),
  10: message('livenessProbe', PROBE),
  11: message('readinessProbe', PROBE),
  22: message('startupProbe', PROBE),
  13: str('terminationMessagePath'),
  20: str('terminationMessagePolicy'),
  14: str('imagePullPolicy'),
  16: bool('stdin'),
  17: bool('stdinOnce'),
  18: bool('tty'),
};
const POD_SPEC: Schema = {
  2: message('containers', CONTAINER, true),
  20: message('initContainers', CONTAINER, true),
  3: str('restartPolicy'),
  4: int('terminationGracePeriodSeconds', true),
  5: int('activeDeadlineSeconds', true),
  6: str('dnsPolicy'),
  7: { name: 'nodeSelector', type: { map: 'string' } },
  8: str('serviceAccountName'),
  9: str('serviceAccount'),
  21: bool('automountServiceAccountToken', true),
  10: str('nodeName'),
  11: bool('hostNetwork'),
  16: str('hostname'),
  17: str('subdomain'),
  19: str('schedulerName'),
  22: message('tolerations', TOLERATION, true),
  24: str('priorityClassName'),
  25: int('priority', true),
  30: bool('enableServiceLinks', true),
};
const POD_TEMPLATE: Schema = { 1: METADATA, 2: message('spec', POD_SPEC) };
const INT_OR_STRING_POINTER = (name: string): FieldSpec => ({ name, type: 'intOrString', keepZero: true });
const DEPLOYMENT_SPEC: Schema = {
  1: int('replicas', true),
  2: message('selector', LABEL_SELECTOR),
  3: message('template', POD_TEMPLATE),
  4: message('strategy', { 1: str('type'), 2: message('rollingUpdate', { 1: INT_OR_STRING_POINTER('maxUnavailable'), 2: INT_OR_STRING_POINTER('maxSurge') }) }),
  5: int('minReadySeconds'),
  6: int('revisionHistoryLimit', true),
  7: bool('paused'),
  9: int('progressDeadlineSeconds', true),
};
const SERVICE_SPEC: Schema = {
  1: message('ports', { 1: str('name'), 2: str('protocol'), 6: str('appProtocol', true), 3: int('port'), 4: { name: 'targetPort', type: 'intOrString' }, 5: int('nodePort') }, true),
  2: { name: 'selector', type: { map: 'string' } },
  3: str('clusterIP'),
  18: strings('clusterIPs'),
  4: str('type'),
  5: strings('externalIPs'),
  7: str('sessionAffinity'),
  10: str('externalName'),
  11: str('externalTrafficPolicy'),
  13: bool('publishNotReadyAddresses'),
  19: strings('ipFamilies'),
  17: str('ipFamilyPolicy', true),
  22: str('internalTrafficPolicy', true),
};

/** meta.k8s.io/v1 DeleteOptions: typed clients send it as the body of a DELETE (kubectl drain does). */
export const DELETE_OPTIONS: Schema = {
  1: int('gracePeriodSeconds', true),
  2: message('preconditions', { 1: str('uid', true), 2: str('resourceVersion', true) }),
  3: bool('orphanDependents', true),
  4: str('propagationPolicy', true),
  5: strings('dryRun'),
};

/** The kinds decoded, by "apiVersion/kind"; field numbers from k8s.io/api's generated.proto. */
export const KINDS: Readonly<Record<string, Schema>> = {
  'policy/v1/Eviction': { 1: METADATA, 2: message('deleteOptions', DELETE_OPTIONS) },
  'v1/Pod': { 1: METADATA, 2: message('spec', POD_SPEC) },
  'v1/Service': { 1: METADATA, 2: message('spec', SERVICE_SPEC) },
  'apps/v1/Deployment': { 1: METADATA, 2: message('spec', DEPLOYMENT_SPEC) },
  'v1/Namespace': { 1: METADATA, 2: { name: 'spec', type: { message: { 1: strings('finalizers') } } } },
  'v1/ConfigMap': {
    1: METADATA,
    2: { name: 'data', type: { map: 'string' } },
    3: { name: 'binaryData', type: { map: 'bytes' } },
    4: bool('immutable', true),
  },
  'v1/Secret': {
    1: METADATA,
    2: { name: 'data', type: { map: 'bytes' } },
    3: str('type'),
    4: { name: 'stringData', type: { map: 'string' } },
    5: bool('immutable', true),
  },
  'authentication.k8s.io/v1/TokenRequest': {
    1: METADATA,
    2: {
      name: 'spec',
      type: {
        message: {
          1: strings('audiences'),
          3: { name: 'boundObjectRef', type: { message: { 1: str('kind'), 2: str('apiVersion'), 3: str('name'), 4: str('uid') } } },
          4: int('expirationSeconds', true),
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
          2: { name: 'nonResourceAttributes', type: { message: { 1: str('path'), 2: str('verb') } } },
        },
      },
    },
  },
  'authorization.k8s.io/v1/SelfSubjectRulesReview': { 1: METADATA, 2: { name: 'spec', type: { message: { 1: str('namespace') } } } },
  'rbac.authorization.k8s.io/v1/Role': { 1: METADATA, 2: RULES },
  'rbac.authorization.k8s.io/v1/ClusterRole': { 1: METADATA, 2: RULES, 3: { name: 'aggregationRule', type: { message: { 1: { name: 'clusterRoleSelectors', type: { message: LABEL_SELECTOR }, repeated: true } } } } },
  'rbac.authorization.k8s.io/v1/RoleBinding': BINDING,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': BINDING,
  'v1/ServiceAccount': {
    1: METADATA,
    3: { name: 'imagePullSecrets', type: { message: LOCAL_OBJECT_REFERENCE }, repeated: true },
    4: bool('automountServiceAccountToken', true),
  },
};

