import { b64 } from '../cluster/process-cluster.js';
import { Normaliser } from './normalise.js';
import type { Json, Reply, Target } from './target.js';

/** A normalised unary answer: the body on 200, else the error body with the HTTP status as `http`. */
export function outcomeOf(n: Normaliser, r: Reply): Json {
  const body = n.json(r.body);
  if (r.status === 200) return body;
  return { http: r.status, ...(body as { [key: string]: Json }) };
}

/**
 * One case's view of a target: its own key prefix, the revision it started at, and calls
 * whose answers come back normalised. Keys are named without the prefix, as in the answers.
 */
export class Scope {
  private constructor(
    readonly target: Target,
    readonly prefix: string,
    readonly norm: Normaliser,
  ) {}

  /** Reads the current revision (linearizably, on member 0) as the case's `r+0`. */
  static async open(target: Target, prefix: string): Promise<Scope> {
    const r = await target.call('/v3/kv/range', { key: b64(prefix), count_only: true });
    if (r.status !== 200) throw new Error(`${target.name}: cannot read the revision: ${JSON.stringify(r.body)}`);
    return new Scope(target, prefix, new Normaliser(Number(r.body.header.revision), prefix));
  }

  get base(): number {
    return this.norm.base;
  }

  /** base64 of the prefixed key. */
  k(name: string): string {
    return b64(this.prefix + name);
  }

  /** base64 of the end of the case's whole key space (the prefix with its last byte + 1). */
  get end(): string {
    const bytes = Buffer.from(this.prefix);
    bytes[bytes.length - 1]++;
    return bytes.toString('base64');
  }

  /** An absolute revision, as a request field, for the case-relative `delta`. */
  rev(delta: number): string {
    return String(this.base + delta);
  }

  async call(path: string, body: unknown, member = 0): Promise<Json> {
    return outcomeOf(this.norm, await this.target.call(path, body, member));
  }

  /** The raw answer, for the few values a case needs to reuse (lease IDs). */
  raw(path: string, body: unknown, member = 0): Promise<Reply> {
    return this.target.call(path, body, member);
  }

  put(name: string, value: string, extra: Record<string, unknown> = {}, member = 0): Promise<Json> {
    return this.call('/v3/kv/put', { key: this.k(name), value: b64(value), ...extra }, member);
  }

  range(name: string, extra: Record<string, unknown> = {}, member = 0): Promise<Json> {
    return this.call('/v3/kv/range', { key: this.k(name), ...extra }, member);
  }

  /** A range over every key of the case. */
  all(extra: Record<string, unknown> = {}, member = 0): Promise<Json> {
    return this.call('/v3/kv/range', { key: this.k(''), range_end: this.end, ...extra }, member);
  }

  /** Grants a lease; returns its raw ID, for later requests, and the normalised answer. */
  async grant(ttl: number, id?: string): Promise<{ id: string; answer: Json }> {
    const r = await this.target.call('/v3/lease/grant', { TTL: String(ttl), ...(id ? { ID: id } : {}) });
    if (r.status !== 200 || !r.body.ID) throw new Error(`${this.target.name}: lease grant failed: ${JSON.stringify(r.body)}`);
    return { id: String(r.body.ID), answer: outcomeOf(this.norm, r) };
  }

  /** Watches with `create`, lets `act` write while the watch is open, and returns every line normalised. */
  async watch(create: unknown, opts: WatchPlan = {}): Promise<Json> {
    const call = this.target.watch(create, opts.member ?? 0);
    try {
      await call.until(opts.ready ?? ((lines) => lines.length >= 1), opts.timeoutMs);
      if (opts.act) await opts.act();
      await call.until(opts.until ?? ((ls) => ls.length >= 2), opts.timeoutMs);
      // A short wait more, so a stray or duplicate line after the expected ones is seen too.
      const lines = await call.until(() => false, SETTLE_MS);
      return { http: call.status, lines: lines.map((l) => this.norm.json(l)) };
    } finally {
      call.close();
    }
  }
}

/** How long a watch is still read after it said what the case waited for. */
const SETTLE_MS = 150;

export interface WatchPlan {
  readonly member?: number;
  /** When the watch is ready for `act`; by default, once the first line (`created`) arrived. */
  readonly ready?: (lines: readonly Record<string, any>[]) => boolean;
  /** Writes made once the watch is ready. */
  readonly act?: () => Promise<unknown>;
  /** When the watch has said enough; by default, two lines. */
  readonly until?: (lines: readonly Record<string, any>[]) => boolean;
  readonly timeoutMs?: number;
}

/** Counts the events in raw watch lines. */
export const eventCount = (lines: readonly Record<string, any>[]): number =>
  lines.reduce((n, l) => n + ((l.result?.events as unknown[] | undefined)?.length ?? 0), 0);
