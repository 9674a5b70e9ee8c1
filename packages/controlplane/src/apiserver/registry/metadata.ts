import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../../api/object.js';
import { nowTimestamp } from '../../api/object.js';

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** `generateName` + 5 random characters from Kubernetes' alphabet (no vowels, no look-alikes). */
export function generatedName(base: string): string {
  const bytes = randomBytes(5);
  const suffix = [...bytes].map((b) => ALPHANUMS[b % ALPHANUMS.length]).join('');
  return `${base.slice(0, 63 - 5)}${suffix}`;
}

/**
 * Records who last wrote the object in metadata.managedFields: one entry per manager and
 * operation, with the time (field sets are not tracked: server-side apply is not served).
 */
export function recordManager(obj: KubeObject, manager: string, operation: 'Update' | 'Apply', apiVersion: string, subresource: string): void {
  const entries = (obj.metadata.managedFields ?? []).filter(
    (e) => !(e.manager === manager && e.operation === operation && (e.subresource ?? '') === subresource),
  );
  entries.push({
    manager,
    operation,
    apiVersion,
    time: nowTimestamp(),
    fieldsType: 'FieldsV1',
    fieldsV1: {},
    ...(subresource ? { subresource } : {}),
  });
  obj.metadata.managedFields = entries;
}

/** The field manager of a request: the `fieldManager` parameter, else the user agent's program name. */
export function fieldManagerOf(param: string | null, userAgent: string | undefined): string {
  if (param) return param;
  const program = (userAgent ?? '').split('/')[0].trim();
  return program || 'unknown';
}
