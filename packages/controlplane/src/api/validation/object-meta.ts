import type { KubeObject } from '../object.js';
import { type FieldError, type FieldPath, forbiddenField, invalidValue, required, root } from './field-errors.js';
import { labelValue, qualifiedName } from './names.js';

/** How a resource's names are checked (Kubernetes picks one per resource). */
export type NameRule = (path: FieldPath, value: string) => FieldError[];

export function validateLabels(path: FieldPath, labels: unknown): FieldError[] {
  if (labels === undefined || labels === null) return [];
  if (typeof labels !== 'object' || Array.isArray(labels)) return [invalidValue(path, labels, 'must be a map of strings')];
  const errors: FieldError[] = [];
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    errors.push(...qualifiedName(path, k));
    if (typeof v !== 'string') errors.push(invalidValue(path.key(k), v, 'must be a string'));
    else errors.push(...labelValue(path, v));
  }
  return errors;
}

function validateAnnotations(path: FieldPath, annotations: unknown): FieldError[] {
  if (annotations === undefined || annotations === null) return [];
  if (typeof annotations !== 'object' || Array.isArray(annotations)) return [invalidValue(path, annotations, 'must be a map of strings')];
  const errors: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations as Record<string, unknown>)) {
    errors.push(...qualifiedName(path, k.toLowerCase()));
    size += k.length + String(v).length;
  }
  if (size > 256 * 1024) errors.push({ type: 'FieldValueTooLong', field: path.text, detail: 'Too long: must have at most 262144 bytes' });
  return errors;
}

/** metadata of a new or changed object: name, namespace (for namespaced kinds), labels, annotations. */
export function validateObjectMeta(obj: KubeObject, namespaced: boolean, nameRule: NameRule): FieldError[] {
  const meta = root('metadata');
  const m = obj.metadata;
  const errors: FieldError[] = [];
  if (!m.name) errors.push(required(meta.child('name'), 'name or generateName is required'));
  else errors.push(...nameRule(meta.child('name'), m.name));
  if (namespaced && !m.namespace) errors.push(required(meta.child('namespace')));
  if (!namespaced && m.namespace) errors.push(forbiddenField(meta.child('namespace'), 'not allowed on this type'));
  errors.push(...validateLabels(meta.child('labels'), m.labels));
  errors.push(...validateAnnotations(meta.child('annotations'), m.annotations));
  return errors;
}

/** Fields no update may change. */
export function validateObjectMetaUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const meta = root('metadata');
  const errors: FieldError[] = [];
  if (obj.metadata.name !== old.metadata.name) errors.push(invalidValue(meta.child('name'), obj.metadata.name, 'field is immutable'));
  if ((obj.metadata.namespace ?? '') !== (old.metadata.namespace ?? '')) errors.push(invalidValue(meta.child('namespace'), obj.metadata.namespace, 'field is immutable'));
  return errors;
}
