import { isPlainObject } from '../../api/object.js';
import { badRequest } from '../status-error.js';
import type { FieldMeta, PatchSchema } from './patch-meta.js';

type Obj = Record<string, unknown>;

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE = '$deleteFromPrimitiveList/';
const SET_ELEMENT_ORDER = '$setElementOrder/';

/**
 * Kubernetes' strategic merge patch (the default of `kubectl patch`, `edit`, `label` and
 * `apply`): a merge patch, except that lists tagged with a merge key merge element by element,
 * and the directives `$patch` (replace / delete / merge), `$retainKeys`,
 * `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>` are honoured.
 */
export function applyStrategicMergePatch(original: unknown, patch: unknown, schema: PatchSchema): unknown {
  if (!isPlainObject(patch)) throw badRequest('strategic merge patch must be a JSON object');
  return mergeMap(isPlainObject(original) ? original : {}, patch, schema);
}

function mergeMap(original: Obj, patch: Obj, schema: PatchSchema | undefined): Obj | undefined {
  const directive = patch[PATCH];
  if (directive === 'delete') return undefined;
  if (directive === 'replace') {
    const { [PATCH]: _d, ...rest } = patch;
    return stripDirectives(rest) as Obj;
  }
  if (directive !== undefined && directive !== 'merge') throw badRequest(`Unknown patch type: ${String(directive)}`);

  const out: Obj = { ...original };
  for (const [key, value] of Object.entries(patch)) {
    if (key === PATCH || key === RETAIN_KEYS || key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (key.startsWith(DELETE_FROM_PRIMITIVE)) {
      const field = key.slice(DELETE_FROM_PRIMITIVE.length);
      const remove = Array.isArray(value) ? value : [];
      if (Array.isArray(out[field])) out[field] = (out[field] as unknown[]).filter((v) => !remove.some((r) => r === v));
      continue;
    }
    if (value === null) {
      delete out[key];
      continue;
    }
    const meta = schema?.[key];
    if (Array.isArray(value)) out[key] = mergeList(Array.isArray(out[key]) ? (out[key] as unknown[]) : [], value, meta);
    else if (isPlainObject(value)) {
      const merged = mergeMap(isPlainObject(out[key]) ? (out[key] as Obj) : {}, value, meta?.schema);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
    } else out[key] = value;
  }
  // Orders given by $setElementOrder apply after the lists are merged.
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER) || !Array.isArray(order)) continue;
    const field = key.slice(SET_ELEMENT_ORDER.length);
    if (Array.isArray(out[field])) out[field] = reorder(out[field] as unknown[], order, schema?.[field]?.mergeKey ?? '');
  }
  const retain = patch[RETAIN_KEYS];
  if (Array.isArray(retain)) {
    for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  }
  return out;
}

function mergeList(original: unknown[], patch: unknown[], meta: FieldMeta | undefined): unknown[] {
  const replace = patch.some((p) => isPlainObject(p) && p[PATCH] === 'replace' && Object.keys(p).length === 1);
  if (meta?.mergeKey === undefined || replace) {
    return stripDirectives(patch.filter((p) => !(isPlainObject(p) && p[PATCH] === 'replace' && Object.keys(p).length === 1))) as unknown[];
  }
  const key = meta.mergeKey;
  if (key === '') {
    // A merged list of primitives: union, original order first.
    const out = [...original];
    for (const v of patch) if (!out.includes(v)) out.push(v);
    return out;
  }
  const out = [...original];
  const indexOf = (k: unknown) => out.findIndex((o) => isPlainObject(o) && o[key] === k);
  for (const item of patch) {
    if (!isPlainObject(item)) throw badRequest(`strategic merge patch: list items of a list merged by "${key}" must be objects`);
    const at = indexOf(item[key]);
    if (item[PATCH] === 'delete') {
      if (at >= 0) out.splice(at, 1);
      continue;
    }
    if (item[key] === undefined) throw badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);
    if (at >= 0) {
      const merged = mergeMap(out[at] as Obj, item, meta.schema);
      if (merged === undefined) out.splice(at, 1);
      else out[at] = merged;
    } else {
      out.push(mergeMap({}, item, meta.schema));
    }
  }
  return out;
}

/** Puts the elements named in `order` first, in that order; the others keep theirs, after. */
function reorder(list: unknown[], order: unknown[], key: string): unknown[] {
  const id = (v: unknown) => (key && isPlainObject(v) ? v[key] : v);
  const wanted = order.map((o) => (key && isPlainObject(o) ? o[key] : o));
  const ranked = list.filter((v) => wanted.includes(id(v))).sort((a, b) => wanted.indexOf(id(a)) - wanted.indexOf(id(b)));
  return [...ranked, ...list.filter((v) => !wanted.includes(id(v)))];
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isPlainObject(value)) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === PATCH || k === RETAIN_KEYS || k.startsWith(SET_ELEMENT_ORDER) || k.startsWith(DELETE_FROM_PRIMITIVE)) continue;
    out[k] = stripDirectives(v);
  }
  return out;
}
