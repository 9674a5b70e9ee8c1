import { isPlainObject } from '../object.js';
import { type FieldError, type FieldPath, notSupported, required, root } from './field-errors.js';

type Json = Record<string, unknown>;
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

export function validatePolicyRules(path: FieldPath, rules: unknown, clusterScoped: boolean): FieldError[] {
  const errors: FieldError[] = [];
  list(rules).forEach((r, i) => {
    const p = path.index(i);
    if (list(r.verbs).length === 0) errors.push(required(p.child('verbs'), 'verbs must contain at least one value'));
    const urls = list(r.nonResourceURLs).length > 0;
    if (urls && !clusterScoped) errors.push({ type: 'FieldValueInvalid', field: p.child('nonResourceURLs').text, detail: 'Invalid value: ' + JSON.stringify(r.nonResourceURLs) + ': namespaced rules cannot apply to non-resource URLs' });
    if (!urls && list(r.resources).length === 0) errors.push(required(p.child('resources'), 'resource rules must supply at least one resource'));
  });
  return errors;
}

export function validateRoleBinding(obj: Json): FieldError[] {
  const errors: FieldError[] = [];
  const ref = obj.roleRef;
  if (!isPlainObject(ref)) return [required(root('roleRef'))];
  if (!ref.name) errors.push(required(root('roleRef').child('name')));
  if (!['Role', 'ClusterRole'].includes(ref.kind as string)) errors.push(notSupported(root('roleRef').child('kind'), ref.kind ?? '', ['Role', 'ClusterRole']));
  list(obj.subjects).forEach((s, i) => {
    const p = root('subjects').index(i);
    if (!s.name) errors.push(required(p.child('name')));
    if (!['User', 'Group', 'ServiceAccount'].includes(s.kind as string)) errors.push(notSupported(p.child('kind'), s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  });
  return errors;
}

/** roleRef cannot change: a binding points at one role for life. */
export function validateRoleRefUpdate(obj: Json, old: Json): FieldError[] {
  if (JSON.stringify(obj.roleRef) !== JSON.stringify(old.roleRef)) {
    return [{ type: 'FieldValueInvalid', field: 'roleRef', detail: `Invalid value: ${JSON.stringify(obj.roleRef)}: cannot change roleRef` }];
  }
  return [];
}
