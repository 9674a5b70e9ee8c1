import { type FieldError, type FieldPath, invalidValue } from './field-errors.js';

/** Name rules of Kubernetes (apimachinery's validation): RFC 1123 labels and subdomains, RFC 1035 labels. */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A name rule: a length limit and a pattern, with apimachinery's message for a value that misses it. */
function nameRule(maxLength: number, pattern: RegExp, message: string): (path: FieldPath, value: string) => FieldError[] {
  return (path, value) => {
    const errors: FieldError[] = [];
    if (value.length > maxLength) errors.push(invalidValue(path, value, `must be no more than ${maxLength} characters`));
    if (!pattern.test(value)) errors.push(invalidValue(path, value, message));
    return errors;
  };
}

export const dns1123Label = nameRule(
  63,
  DNS1123_LABEL,
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
);

export const dns1123Subdomain = nameRule(
  253,
  DNS1123_SUBDOMAIN,
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
);

export const dns1035Label = nameRule(
  63,
  DNS1035_LABEL,
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
);

/** RBAC names and some others may be any path segment: no '/', '%', and not '.' or '..'. */
export function pathSegmentName(path: FieldPath, value: string): FieldError[] {
  if (value === '.' || value === '..') return [invalidValue(path, value, `may not be '${value}'`)];
  for (const bad of ['/', '%']) if (value.includes(bad)) return [invalidValue(path, value, `may not contain '${bad}'`)];
  return [];
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Label and annotation keys: an optional DNS subdomain prefix and a name of at most 63. */
export function qualifiedName(path: FieldPath, value: string): FieldError[] {
  const slash = value.lastIndexOf('/');
  const name = slash >= 0 ? value.slice(slash + 1) : value;
  const prefix = slash >= 0 ? value.slice(0, slash) : '';
  if (slash >= 0 && (prefix === '' || !DNS1123_SUBDOMAIN.test(prefix))) {
    return [invalidValue(path, value, 'prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\'')];
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return [
      invalidValue(
        path,
        value,
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ),
    ];
  }
  return [];
}

export function labelValue(path: FieldPath, value: string): FieldError[] {
  if (value.length > 63) return [invalidValue(path, value, 'must be no more than 63 characters')];
  if (!LABEL_VALUE.test(value)) {
    return [
      invalidValue(
        path,
        value,
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      ),
    ];
  }
  return [];
}
