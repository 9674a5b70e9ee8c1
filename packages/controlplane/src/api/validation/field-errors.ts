/**
 * Field-level validation failures, worded as Kubernetes words them, so that
 * `kubectl` prints e.g. `spec.containers[0].image: Required value`.
 */
export interface FieldError {
  readonly type: 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueNotSupported' | 'FieldValueDuplicate' | 'FieldValueForbidden' | 'FieldValueTooLong';
  readonly field: string;
  /** The message after the field: `Required value`, `Invalid value: "x": why`. */
  readonly detail: string;
}

/** A field's path as Kubernetes prints it: `spec.containers[0].image`. */
export class FieldPath {
  constructor(readonly text: string) {}
  child(name: string): FieldPath {
    return new FieldPath(this.text ? `${this.text}.${name}` : name);
  }
  index(i: number): FieldPath {
    return new FieldPath(`${this.text}[${i}]`);
  }
  key(k: string): FieldPath {
    return new FieldPath(`${this.text}[${k}]`);
  }
  toString(): string {
    return this.text;
  }
}

export const root = (name: string) => new FieldPath(name);

const show = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? 'null');

export function required(path: FieldPath, why = ''): FieldError {
  return { type: 'FieldValueRequired', field: path.text, detail: why ? `Required value: ${why}` : 'Required value' };
}

export function invalidValue(path: FieldPath, value: unknown, why: string): FieldError {
  return { type: 'FieldValueInvalid', field: path.text, detail: `Invalid value: ${show(value)}: ${why}` };
}

export function notSupported(path: FieldPath, value: unknown, supported: readonly string[]): FieldError {
  return { type: 'FieldValueNotSupported', field: path.text, detail: `Unsupported value: ${show(value)}: supported values: ${supported.map((s) => `"${s}"`).join(', ')}` };
}

export function duplicate(path: FieldPath, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field: path.text, detail: `Duplicate value: ${show(value)}` };
}

export function forbiddenField(path: FieldPath, why: string): FieldError {
  return { type: 'FieldValueForbidden', field: path.text, detail: `Forbidden: ${why}` };
}
