import { isPlainObject, jsonEqual } from '../object.js';
import { type FieldError, type FieldPath, duplicate, invalidValue, notSupported, required } from './field-errors.js';
import { dns1123Label, dns1123Subdomain } from './names.js';

type Json = Record<string, unknown>;
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

function validatePort(path: FieldPath, port: unknown): FieldError[] {
  if (port === undefined) return [required(path)];
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) return [invalidValue(path, port, 'must be between 1 and 65535, inclusive')];
  return [];
}

function validateContainers(path: FieldPath, containers: unknown, requireOne: boolean, names: Set<string>): FieldError[] {
  const errors: FieldError[] = [];
  if (containers !== undefined && !Array.isArray(containers)) return [invalidValue(path, containers, 'must be a list')];
  const items = list(containers);
  if (requireOne && items.length === 0) errors.push(required(path));
  items.forEach((c, i) => {
    const p = path.index(i);
    if (!isPlainObject(c)) return errors.push(invalidValue(p, c, 'must be an object'));
    if (!c.name) errors.push(required(p.child('name')));
    else if (typeof c.name !== 'string') errors.push(invalidValue(p.child('name'), c.name, 'must be a string'));
    else {
      errors.push(...dns1123Label(p.child('name'), c.name));
      if (names.has(c.name)) errors.push(duplicate(p.child('name'), c.name));
      names.add(c.name);
    }
    if (!c.image) errors.push(required(p.child('image')));
    if (c.imagePullPolicy !== undefined && !['Always', 'IfNotPresent', 'Never'].includes(c.imagePullPolicy as string)) {
      errors.push(notSupported(p.child('imagePullPolicy'), c.imagePullPolicy, ['Always', 'IfNotPresent', 'Never']));
    }
    list(c.ports).forEach((port, j) => {
      const pp = p.child('ports').index(j);
      errors.push(...validatePort(pp.child('containerPort'), port.containerPort));
      if (port.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(port.protocol as string)) errors.push(notSupported(pp.child('protocol'), port.protocol, ['SCTP', 'TCP', 'UDP']));
    });
    list(c.env).forEach((e, j) => {
      if (!e.name) errors.push(required(p.child('env').index(j).child('name')));
    });
  });
  return errors;
}

/** A PodSpec wherever it appears (a pod's spec, a workload's template). */
export function validatePodSpec(path: FieldPath, spec: unknown): FieldError[] {
  if (!isPlainObject(spec)) return [required(path)];
  const names = new Set<string>();
  const errors = [
    ...validateContainers(path.child('containers'), spec.containers, true, names),
    ...validateContainers(path.child('initContainers'), spec.initContainers, false, names),
  ];
  if (spec.restartPolicy !== undefined && !['Always', 'OnFailure', 'Never'].includes(spec.restartPolicy as string)) {
    errors.push(notSupported(path.child('restartPolicy'), spec.restartPolicy, ['Always', 'OnFailure', 'Never']));
  }
  if (spec.dnsPolicy !== undefined && !['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'].includes(spec.dnsPolicy as string)) {
    errors.push(notSupported(path.child('dnsPolicy'), spec.dnsPolicy, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']));
  }
  const grace = spec.terminationGracePeriodSeconds;
  if (grace !== undefined && (!Number.isInteger(grace) || (grace as number) < 0)) {
    errors.push(invalidValue(path.child('terminationGracePeriodSeconds'), grace, 'must be greater than or equal to 0'));
  }
  if (typeof spec.nodeName === 'string' && spec.nodeName !== '') errors.push(...dns1123Subdomain(path.child('nodeName'), spec.nodeName));
  const volumes = new Set<string>();
  list(spec.volumes).forEach((v, i) => {
    const p = path.child('volumes').index(i);
    if (!v.name) errors.push(required(p.child('name')));
    else if (volumes.has(v.name as string)) errors.push(duplicate(p.child('name'), v.name));
    else volumes.add(v.name as string);
  });
  return errors;
}

/** Which parts of a pod may change after creation: Kubernetes allows images, activeDeadlineSeconds and tolerations. */
export function validatePodSpecUpdate(path: FieldPath, spec: Json, old: Json): FieldError[] {
  const strip = (s: Json) => {
    const copy = structuredClone(s);
    for (const key of ['containers', 'initContainers'] as const) {
      for (const c of list(copy[key])) delete c.image;
    }
    delete copy.activeDeadlineSeconds;
    delete copy.tolerations;
    return copy;
  };
  if (!jsonEqual(strip(spec), strip(old))) {
    return [
      {
        type: 'FieldValueForbidden',
        field: path.text,
        detail: 'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      },
    ];
  }
  return [];
}
