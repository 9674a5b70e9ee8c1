import type { Json } from './target.js';

const show = (v: Json | undefined): string => (v === undefined ? '(absent)' : JSON.stringify(v));

/**
 * Every place where two outcomes differ, as `path: left ≠ right` lines. An empty list means
 * deep equality. Large outcomes make chai's whole-object diff unreadable; this names the field.
 */
export function differences(left: Json | undefined, right: Json | undefined, path = '$'): string[] {
  if (left === right) return [];
  const bothArrays = Array.isArray(left) && Array.isArray(right);
  const bothObjects = isObject(left) && isObject(right);
  if (bothArrays) {
    const out: string[] = [];
    for (let i = 0; i < Math.max(left.length, right.length); i++) out.push(...differences(left[i], right[i], `${path}[${i}]`));
    return out;
  }
  if (bothObjects) {
    const out: string[] = [];
    for (const k of new Set([...Object.keys(left), ...Object.keys(right)])) out.push(...differences(left[k], right[k], `${path}.${k}`));
    return out;
  }
  return [`${path}: ${show(left)} ≠ ${show(right)}`];
}

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
