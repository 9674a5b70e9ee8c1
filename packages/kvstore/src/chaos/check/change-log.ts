/**
 * Every claim the run recorded about which change happened at which revision: ok write results,
 * the mod revisions gets returned, watch events and the final state. In a correct store a revision
 * changes each key once, one way, and a value (written once) has one mod revision, so any two
 * claims that disagree show a violation, wherever they come from.
 */
import type { History } from '../history.js';

export type ChangeSource =
  /** An ok put, an ok cas that succeeded, or an ok delete that deleted the key: its response revision. */
  | { readonly kind: 'write'; readonly operation: number }
  /** An ok get (linearizable or not) that returned the value: its mod revision. */
  | { readonly kind: 'read'; readonly operation: number }
  | { readonly kind: 'watch'; readonly watcher: number; readonly receivedAt: number }
  | { readonly kind: 'final' };

export interface ChangeClaim {
  readonly revision: number;
  readonly key: string;
  readonly type: 'PUT' | 'DELETE';
  readonly value?: string;
  readonly source: ChangeSource;
}

export interface ChangeConflict {
  readonly first: ChangeClaim;
  readonly second: ChangeClaim;
  readonly message: string;
}

export function sourceText(source: ChangeSource): string {
  switch (source.kind) {
    case 'write':
      return `the result of #${source.operation}`;
    case 'read':
      return `the read #${source.operation}`;
    case 'watch':
      return `watcher ${source.watcher}`;
    case 'final':
      return 'the final state';
  }
}

const claimText = (c: ChangeClaim) => `${c.type}${c.value === undefined ? '' : ` ${JSON.stringify(c.value)}`} at revision ${c.revision} (${sourceText(c.source)})`;

/** All the claims a history holds, in the order recorded (ops, then watchers, then the final state). */
export function collectChangeClaims(history: History): ChangeClaim[] {
  const claims: ChangeClaim[] = [];
  for (const op of history.operations) {
    if (op.outcome.status !== 'ok') continue;
    const r = op.outcome.result;
    const key = op.op.key;
    if (r.type === 'put' && op.op.type === 'put') claims.push({ revision: r.revision, key, type: 'PUT', value: op.op.value, source: { kind: 'write', operation: op.id } });
    if (r.type === 'cas' && r.succeeded && op.op.type === 'cas') claims.push({ revision: r.revision, key, type: 'PUT', value: op.op.value, source: { kind: 'write', operation: op.id } });
    if (r.type === 'delete' && r.deleted > 0) claims.push({ revision: r.revision, key, type: 'DELETE', source: { kind: 'write', operation: op.id } });
    if (r.type === 'get' && r.value !== null) claims.push({ revision: r.modRevision, key, type: 'PUT', value: r.value, source: { kind: 'read', operation: op.id } });
  }
  for (const w of history.watches) {
    for (const e of w.events) {
      claims.push({ revision: e.modRevision, key: e.key, type: e.type, value: e.type === 'PUT' ? e.value : undefined, source: { kind: 'watch', watcher: w.watcher, receivedAt: e.receivedAt } });
    }
  }
  for (const [key, kv] of Object.entries(history.finalState)) claims.push({ revision: kv.modRevision, key, type: 'PUT', value: kv.value, source: { kind: 'final' } });
  return claims;
}

function groupBy<K>(claims: readonly ChangeClaim[], keyOf: (c: ChangeClaim) => K | undefined): Map<K, ChangeClaim[]> {
  const groups = new Map<K, ChangeClaim[]>();
  for (const c of claims) {
    const k = keyOf(c);
    if (k === undefined) continue;
    const g = groups.get(k);
    if (g) g.push(c);
    else groups.set(k, [c]);
  }
  return groups;
}

/**
 * The claims that contradict an earlier one: a different change of the same key at the same
 * revision, the same value at another revision (a write applied twice, or a wrong revision), or
 * two different write operations answered with the same revision (this workload's ops each touch
 * one key, so each write gets a revision of its own).
 */
export function findChangeConflicts(claims: readonly ChangeClaim[]): ChangeConflict[] {
  const conflicts: ChangeConflict[] = [];
  for (const group of groupBy(claims, (c) => `${c.revision}\u0000${c.key}`).values()) {
    const [first] = group;
    for (const c of group.slice(1)) {
      if (c.type !== first.type || c.value !== first.value) {
        conflicts.push({ first, second: c, message: `key ${JSON.stringify(c.key)} changed two ways at revision ${c.revision}: ${claimText(first)} and ${claimText(c)}` });
      }
    }
  }
  for (const group of groupBy(claims, (c) => (c.type === 'PUT' ? c.value : undefined)).values()) {
    const [first] = group;
    for (const c of group.slice(1)) {
      if (c.revision !== first.revision) {
        conflicts.push({ first, second: c, message: `value ${JSON.stringify(c.value)} (written once) has two mod revisions: ${claimText(first)} and ${claimText(c)}` });
      }
    }
  }
  for (const group of groupBy(claims, (c) => (c.source.kind === 'write' ? c.revision : undefined)).values()) {
    const [first] = group;
    for (const c of group.slice(1)) {
      conflicts.push({ first, second: c, message: `two writes were answered with revision ${c.revision}: ${claimText(first)} and ${claimText(c)}` });
    }
  }
  return conflicts;
}

/** Every (revision, key) some claim says changed, with the first claim as evidence, by revision. */
export function knownChanges(claims: readonly ChangeClaim[]): ChangeClaim[] {
  const first = new Map<string, ChangeClaim>();
  for (const c of claims) {
    const k = `${c.revision}\u0000${c.key}`;
    if (!first.has(k)) first.set(k, c);
  }
  return [...first.values()].sort((a, b) => a.revision - b.revision || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
