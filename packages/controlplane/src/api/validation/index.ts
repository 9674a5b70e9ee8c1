import type { KubeObject } from '../object.js';
import { type FieldError, invalidValue, required, root } from './field-errors.js';
import { dns1035Label, dns1123Label, dns1123Subdomain, pathSegmentName } from './names.js';
import { type NameRule, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { validatePodSpec, validatePodSpecUpdate } from './pod.js';
import { validatePolicyRules, validateRoleBinding, validateRoleRefUpdate } from './rbac.js';
import { validateServiceSpec, validateServiceUpdate } from './service.js';
import { validateDaemonSetSpec, validateDeploymentSpec, validateReplicaSetSpec, validateSelectorUpdate } from './workloads.js';

export type { FieldError } from './field-errors.js';

type Json = Record<string, unknown>;

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

function validateDataKeys(obj: KubeObject, fields: string[]): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of fields) {
    for (const key of Object.keys((obj[field] ?? {}) as Json)) {
      if (!CONFIG_KEY.test(key) || key.length > 253) {
        errors.push(invalidValue(root(field), key, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
      }
    }
  }
  return errors;
}

/** Per kind: the rule for names and the checks of the body beyond metadata. */
const KINDS: Record<string, { name: NameRule; body?: (o: KubeObject) => FieldError[]; update?: (o: KubeObject, old: KubeObject) => FieldError[] }> = {
  Namespace: { name: dns1123Label },
  Node: { name: dns1123Subdomain },
  Pod: { name: dns1123Subdomain, body: (o) => validatePodSpec(root('spec'), o.spec), update: (o, old) => validatePodSpecUpdate(root('spec'), o.spec as Json, old.spec as Json) },
  Service: { name: dns1035Label, body: (o) => validateServiceSpec(o.spec), update: (o, old) => validateServiceUpdate(o.spec as Json, old.spec as Json) },
  Endpoints: { name: dns1123Subdomain },
  ConfigMap: { name: dns1123Subdomain, body: (o) => validateDataKeys(o, ['data', 'binaryData']) },
  Secret: { name: dns1123Subdomain, body: (o) => validateDataKeys(o, ['data', 'stringData']) },
  ServiceAccount: { name: dns1123Subdomain },
  Event: { name: dns1123Subdomain, body: (o) => (o.involvedObject ? [] : [required(root('involvedObject'))]) },
  Lease: {
    name: dns1123Subdomain,
    body: (o) => {
      const d = (o.spec as Json | undefined)?.leaseDurationSeconds;
      return d !== undefined && (!Number.isInteger(d) || (d as number) <= 0) ? [invalidValue(root('spec').child('leaseDurationSeconds'), d, 'must be greater than 0')] : [];
    },
  },
  Deployment: { name: dns1123Subdomain, body: (o) => validateDeploymentSpec(o.spec), update: (o, old) => validateSelectorUpdate(o.spec as Json, old.spec as Json) },
  ReplicaSet: { name: dns1123Subdomain, body: (o) => validateReplicaSetSpec(o.spec), update: (o, old) => validateSelectorUpdate(o.spec as Json, old.spec as Json) },
  DaemonSet: { name: dns1123Subdomain, body: (o) => validateDaemonSetSpec(o.spec), update: (o, old) => validateSelectorUpdate(o.spec as Json, old.spec as Json) },
  Role: { name: pathSegmentName, body: (o) => validatePolicyRules(root('rules'), o.rules, false) },
  ClusterRole: { name: pathSegmentName, body: (o) => validatePolicyRules(root('rules'), o.rules, true) },
  RoleBinding: { name: pathSegmentName, body: (o) => validateRoleBinding(o), update: (o, old) => validateRoleRefUpdate(o, old) },
  ClusterRoleBinding: { name: pathSegmentName, body: (o) => validateRoleBinding(o), update: (o, old) => validateRoleRefUpdate(o, old) },
};

/**
 * Validates an object of a kind this apiserver serves, on create (no `old`) or update.
 * An empty answer means valid; otherwise the errors become one 422 Invalid Status.
 */
export function validateObject(kind: string, namespaced: boolean, obj: KubeObject, old?: KubeObject): FieldError[] {
  const rules = KINDS[kind];
  const errors = validateObjectMeta(obj, namespaced, rules?.name ?? dns1123Subdomain);
  if (rules?.body) errors.push(...rules.body(obj));
  if (old) {
    errors.push(...validateObjectMetaUpdate(obj, old));
    if (rules?.update) errors.push(...rules.update(obj, old));
  }
  return errors;
}
