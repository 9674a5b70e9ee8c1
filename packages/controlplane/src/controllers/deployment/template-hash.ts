import { jsonEqual } from '../../api/object.js';
import type { PodTemplate } from '../framework/types.js';

/** The label a Deployment adds to each ReplicaSet's selector and template, so their pods never overlap. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** Kubernetes' SafeEncodeString alphabet: no vowels (no words) and no look-alike characters. */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with object keys sorted, so equal templates serialise the same whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * The pod-template-hash of a template: FNV-32a of the template (and the collision count, which a
 * Deployment bumps when a name is taken by a ReplicaSet of another template), written in the safe
 * alphabet as Kubernetes' controller.ComputeHash does. Stable across processes and restarts.
 */
export function podTemplateHash(template: PodTemplate, collisionCount?: number): string {
  const text = canonicalJson(template) + (collisionCount === undefined ? '' : `#${collisionCount}`);
  return [...String(fnv32a(text))].map((c) => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}

/** Whether two templates are the same apart from the pod-template-hash label (EqualIgnoreHash). */
export function templatesEqualIgnoringHash(a: PodTemplate, b: PodTemplate): boolean {
  const strip = (t: PodTemplate): PodTemplate => {
    const labels = { ...(t.metadata?.labels ?? {}) };
    delete labels[POD_TEMPLATE_HASH_LABEL];
    return { ...t, metadata: { ...(t.metadata ?? {}), labels } };
  };
  return jsonEqual(strip(a), strip(b));
}
