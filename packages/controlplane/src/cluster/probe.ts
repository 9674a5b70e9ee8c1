import { readFile } from 'node:fs/promises';
import { Agent, request } from 'undici';
import type { ClusterPki } from './pki.js';
import { Identities } from './pki.js';

/** What a GET answered, or why it did not. */
export type ProbeAnswer = { readonly ok: true; readonly status: number; readonly text: string } | { readonly ok: false; readonly error: string };

/**
 * GETs for the launcher's own checks (health, readiness, nodes, metrics): short timeouts, never
 * throwing, and over TLS with the cluster CA and the admin certificate when the URL is https.
 */
export class Probe {
  private constructor(private readonly agent: Agent) {}

  static async forCluster(pki: ClusterPki): Promise<Probe> {
    const admin = await pki.clientCertificate(Identities.admin);
    const ca = await readFile(pki.caFile, 'utf8');
    return new Probe(new Agent({ connect: { ca, cert: admin.pair.certPem, key: admin.pair.keyPem }, headersTimeout: 3000, bodyTimeout: 3000 }));
  }

  async get(url: string, timeoutMs = 3000): Promise<ProbeAnswer> {
    try {
      const res = await request(url, { method: 'GET', dispatcher: this.agent, signal: AbortSignal.timeout(timeoutMs) });
      return { ok: true, status: res.statusCode, text: await res.body.text() };
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
  }

  /** The JSON body of a 200 answer, or undefined. */
  async json<T>(url: string): Promise<T | undefined> {
    const a = await this.get(url);
    if (!a.ok || a.status !== 200) return undefined;
    try {
      return JSON.parse(a.text) as T;
    } catch {
      return undefined;
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/** Polls `check` every `everyMs` until it returns true or `timeoutMs` passes. */
export async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
