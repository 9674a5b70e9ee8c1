import type { Json } from './target.js';

/** Header fields that differ between any two clusters and say nothing about semantics. */
const IDENTITY_FIELDS = new Set(['cluster_id', 'member_id', 'raft_term']);
/** int64 revision fields, shown relative to the revision at the start of the case. */
const REVISION_FIELDS = new Set(['revision', 'create_revision', 'mod_revision', 'compact_revision']);
/** bytes fields, shown as text with the case's key prefix removed. */
const BYTES_FIELDS = new Set(['key', 'value', 'range_end']);
/** int64 lease ID fields, shown as `lease#1`, `lease#2`, … in order of first appearance. */
const LEASE_FIELDS = new Set(['ID', 'lease']);

/** A revision relative to the case's base: `r+0` is the store revision when the case began. */
export const rel = (delta: number): string => (delta < 0 ? `r${delta}` : `r+${delta}`);

/**
 * Maps one case's gateway JSON to a form two unrelated clusters agree on: identity fields go,
 * revisions become relative to `base`, bytes become text, lease IDs become stable names.
 * Everything else, including int64s as JSON strings and omitted zero values, is kept as sent,
 * because those are part of the wire format the suite compares.
 */
export class Normaliser {
  private readonly leases = new Map<string, string>();

  constructor(
    readonly base: number,
    readonly prefix: string,
  ) {}

  /** The stable name of a lease ID ("0" stays "0": no lease). */
  leaseName(id: string): string {
    if (id === '0') return id;
    let name = this.leases.get(id);
    if (!name) {
      name = `lease#${this.leases.size + 1}`;
      this.leases.set(id, name);
    }
    return name;
  }

  revision(value: string): string {
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || n <= 0) return value;
    return rel(n - this.base);
  }

  text(value: string): string {
    const s = Buffer.from(value, 'base64').toString('utf8');
    return s.startsWith(this.prefix) ? s.slice(this.prefix.length) : s;
  }

  json(value: unknown, field = ''): Json {
    if (value === null || value === undefined) return null;
    if (Array.isArray(value)) return value.map((v) => this.json(v, field === 'keys' ? 'key' : field));
    if (typeof value === 'object') {
      const out: { [key: string]: Json } = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (IDENTITY_FIELDS.has(k)) continue;
        out[k] = this.json(v, k);
      }
      return out;
    }
    if (typeof value === 'string') {
      if (REVISION_FIELDS.has(field)) return this.revision(value);
      if (BYTES_FIELDS.has(field)) return this.text(value);
      if (LEASE_FIELDS.has(field)) return this.leaseName(value);
      return value;
    }
    if (typeof value === 'number' || typeof value === 'boolean') return value;
    return String(value);
  }
}
