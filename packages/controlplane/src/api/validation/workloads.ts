import { isPlainObject } from '../object.js';
import { type FieldError, type FieldPath, invalidValue, notSupported, required, root } from './field-errors.js';
import { validateLabels } from './object-meta.js';
import { validatePodSpec } from './pod.js';

type Json = Record<string, unknown>;

function nonNegative(path: FieldPath, value: unknown): FieldError[] {
  if (value === undefined) return [];
  if (!Number.isInteger(value) || (value as number) < 0) return [invalidValue(path, value, 'must be greater than or equal to 0')];
  return [];
}

/** Does a selector's matchLabels select these labels (matchExpressions checked elsewhere)? */
function selects(selector: Json, labels: Record<string, string>): boolean {
  const matchLabels = (selector.matchLabels ?? {}) as Record<string, string>;
  return Object.entries(matchLabels).every(([k, v]) => labels[k] === v);
}

/** The selector and pod template every controller of pods has (ReplicaSet, Deployment, DaemonSet). */
function validateSelectorAndTemplate(spec: Json): FieldError[] {
  const path = root('spec');
  const errors: FieldError[] = [];
  const selector = spec.selector;
  if (!isPlainObject(selector)) errors.push(required(path.child('selector')));
  else {
    if (!selector.matchLabels && !selector.matchExpressions) errors.push(invalidValue(path.child('selector'), selector, 'empty selector is invalid for deployment'));
    errors.push(...validateLabels(path.child('selector').child('matchLabels'), selector.matchLabels));
  }
  const template = spec.template;
  if (!isPlainObject(template)) return [...errors, required(path.child('template'))];
  const tmeta = (template.metadata ?? {}) as Json;
  const labels = (tmeta.labels ?? {}) as Record<string, string>;
  errors.push(...validateLabels(path.child('template').child('metadata').child('labels'), tmeta.labels));
  if (isPlainObject(selector) && !selects(selector, labels)) {
    errors.push(invalidValue(path.child('template').child('metadata').child('labels'), labels, '`selector` does not match template `labels`'));
  }
  errors.push(...validatePodSpec(path.child('template').child('spec'), template.spec));
  return errors;
}

export function validateReplicaSetSpec(spec: unknown): FieldError[] {
  if (!isPlainObject(spec)) return [required(root('spec'))];
  return [...nonNegative(root('spec').child('replicas'), spec.replicas), ...validateSelectorAndTemplate(spec)];
}

export function validateDeploymentSpec(spec: unknown): FieldError[] {
  if (!isPlainObject(spec)) return [required(root('spec'))];
  const path = root('spec');
  const errors = [...nonNegative(path.child('replicas'), spec.replicas), ...validateSelectorAndTemplate(spec)];
  const strategy = spec.strategy as Json | undefined;
  if (strategy?.type !== undefined && !['Recreate', 'RollingUpdate'].includes(strategy.type as string)) {
    errors.push(notSupported(path.child('strategy').child('type'), strategy.type, ['Recreate', 'RollingUpdate']));
  }
  if (strategy?.type === 'Recreate' && strategy.rollingUpdate) {
    errors.push({ type: 'FieldValueForbidden', field: 'spec.strategy.rollingUpdate', detail: "Forbidden: may not be specified when strategy `type` is 'Recreate'" });
  }
  errors.push(...nonNegative(path.child('revisionHistoryLimit'), spec.revisionHistoryLimit));
  errors.push(...nonNegative(path.child('minReadySeconds'), spec.minReadySeconds));
  return errors;
}

export function validateDaemonSetSpec(spec: unknown): FieldError[] {
  if (!isPlainObject(spec)) return [required(root('spec'))];
  const errors = validateSelectorAndTemplate(spec);
  const template = spec.template as Json | undefined;
  const restart = (template?.spec as Json | undefined)?.restartPolicy;
  if (restart !== undefined && restart !== 'Always') errors.push(notSupported(root('spec').child('template').child('spec').child('restartPolicy'), restart, ['Always']));
  return errors;
}

/** A controller's selector never changes once created (apps/v1). */
export function validateSelectorUpdate(spec: Json, old: Json): FieldError[] {
  if (JSON.stringify(spec.selector) !== JSON.stringify(old.selector)) return [invalidValue(root('spec').child('selector'), spec.selector, 'field is immutable')];
  return [];
}
