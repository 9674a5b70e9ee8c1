import { type Endpoint, type SessionAffinity, endpointText } from './service-ports.js';

interface Affinity {
  readonly endpoint: string;
  lastUsedMs: number;
}

/**
 * Chooses the endpoint of each new connection to one service port: round-robin over the ready
 * endpoints, or (sessionAffinity ClientIP) the endpoint a client used last while that is younger
 * than the timeout. Pure: the caller passes the time, so tests replay it exactly.
 *
 * Invariant: `next` never returns an endpoint that is not in the current set; affinities to an
 * endpoint that left the set are dropped when the set changes.
 */
export class RoundRobinChooser {
  private endpoints: readonly Endpoint[] = [];
  private index = 0;
  private readonly affinities = new Map<string, Affinity>();

  constructor(
    private affinity: SessionAffinity = 'None',
    private affinityTimeoutMs = 0,
  ) {}

  /** Replaces the endpoint set; the rotation continues where it was (modulo the new size). */
  setEndpoints(endpoints: readonly Endpoint[]): void {
    this.endpoints = [...endpoints];
    if (this.endpoints.length > 0) this.index %= this.endpoints.length;
    else this.index = 0;
    const present = new Set(this.endpoints.map(endpointText));
    for (const [client, a] of this.affinities) if (!present.has(a.endpoint)) this.affinities.delete(client);
  }

  setAffinity(affinity: SessionAffinity, timeoutMs: number): void {
    if (affinity !== this.affinity) this.affinities.clear();
    this.affinity = affinity;
    this.affinityTimeoutMs = timeoutMs;
  }

  get size(): number {
    return this.endpoints.length;
  }

  /**
   * The endpoint for a new connection from `clientIp` at `nowMs`, skipping those in `exclude`
   * (endpoints that just refused this connection); undefined when none is left.
   */
  next(clientIp: string, nowMs: number, exclude: ReadonlySet<string> = new Set()): Endpoint | undefined {
    const candidates = this.endpoints.filter((e) => !exclude.has(endpointText(e)));
    if (candidates.length === 0) return undefined;
    if (this.affinity === 'ClientIP') {
      const sticky = this.affinities.get(clientIp);
      if (sticky && nowMs - sticky.lastUsedMs <= this.affinityTimeoutMs && !exclude.has(sticky.endpoint)) {
        const endpoint = candidates.find((e) => endpointText(e) === sticky.endpoint);
        if (endpoint) {
          sticky.lastUsedMs = nowMs;
          return endpoint;
        }
      }
    }
    let chosen: Endpoint | undefined;
    for (let tried = 0; tried < this.endpoints.length && !chosen; tried++) {
      const e = this.endpoints[this.index];
      this.index = (this.index + 1) % this.endpoints.length;
      if (!exclude.has(endpointText(e))) chosen = e;
    }
    if (chosen && this.affinity === 'ClientIP') this.affinities.set(clientIp, { endpoint: endpointText(chosen), lastUsedMs: nowMs });
    return chosen;
  }
}
