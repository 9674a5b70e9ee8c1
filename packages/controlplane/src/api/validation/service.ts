import { isIP } from 'node:net';
import { isPlainObject } from '../object.js';
import { type FieldError, duplicate, invalidValue, notSupported, required, root } from './field-errors.js';
import { dns1123Label } from './names.js';

type Json = Record<string, unknown>;
const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

export function validateServiceSpec(spec: unknown): FieldError[] {
  const path = root('spec');
  if (!isPlainObject(spec)) return [required(path)];
  const errors: FieldError[] = [];
  const type = spec.type ?? 'ClusterIP';
  if (!TYPES.includes(type as string)) errors.push(notSupported(path.child('type'), type, TYPES));
  const ports = Array.isArray(spec.ports) ? (spec.ports as Json[]) : [];
  const headless = spec.clusterIP === 'None';
  if (ports.length === 0 && type !== 'ExternalName' && !headless) errors.push(required(path.child('ports')));
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const pp = path.child('ports').index(i);
    if (ports.length > 1 && !p.name) errors.push(required(pp.child('name')));
    if (typeof p.name === 'string' && p.name !== '') {
      errors.push(...dns1123Label(pp.child('name'), p.name));
      if (names.has(p.name)) errors.push(duplicate(pp.child('name'), p.name));
      names.add(p.name);
    }
    if (!Number.isInteger(p.port) || (p.port as number) < 1 || (p.port as number) > 65535) {
      errors.push(p.port === undefined ? required(pp.child('port')) : invalidValue(pp.child('port'), p.port, 'must be between 1 and 65535, inclusive'));
    }
    if (p.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(p.protocol as string)) errors.push(notSupported(pp.child('protocol'), p.protocol, ['SCTP', 'TCP', 'UDP']));
    if (p.nodePort !== undefined && type === 'ClusterIP') errors.push({ type: 'FieldValueForbidden', field: pp.child('nodePort').text, detail: 'Forbidden: may not be used when `type` is \'ClusterIP\'' });
  });
  if (typeof spec.clusterIP === 'string' && spec.clusterIP !== '' && spec.clusterIP !== 'None' && isIP(spec.clusterIP) === 0) {
    errors.push(invalidValue(path.child('clusterIP'), spec.clusterIP, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  }
  if (type === 'ExternalName' && !spec.externalName) errors.push(required(path.child('externalName')));
  if (spec.sessionAffinity !== undefined && !['ClientIP', 'None'].includes(spec.sessionAffinity as string)) {
    errors.push(notSupported(path.child('sessionAffinity'), spec.sessionAffinity, ['ClientIP', 'None']));
  }
  return errors;
}

/** A service's cluster IP is fixed once allocated (except when the type changes to or from ExternalName). */
export function validateServiceUpdate(spec: Json, old: Json): FieldError[] {
  if (old.clusterIP && spec.clusterIP !== old.clusterIP && spec.type !== 'ExternalName' && old.type !== 'ExternalName') {
    return [invalidValue(root('spec').child('clusterIP'), spec.clusterIP ?? '', 'field is immutable')];
  }
  return [];
}
