import type { ServerResponse } from 'node:http';
import { writeText } from './responses.js';

/** One named check of /healthz, /livez or /readyz; throws or resolves false when unhealthy. */
export interface HealthCheck {
  readonly name: string;
  check(): Promise<boolean>;
}

/**
 * Serves a health endpoint as kube-apiserver does: "ok" (200) or a failure list (500);
 * `?verbose` lists every check as [+]name ok / [-]name failed; `?exclude=name` skips one.
 */
export async function serveHealth(res: ServerResponse, endpoint: string, checks: readonly HealthCheck[], query: URLSearchParams): Promise<void> {
  const excluded = new Set(query.getAll('exclude'));
  const only = endpoint.split('/')[2];
  const selected = checks.filter((c) => !excluded.has(c.name) && (!only || c.name === only));
  if (only && selected.length === 0) {
    writeText(res, 404, '404 page not found\n');
    return;
  }
  const results = await Promise.all(
    selected.map(async (c) => {
      try {
        return { name: c.name, ok: await withTimeout(c.check(), 5000) };
      } catch {
        return { name: c.name, ok: false };
      }
    }),
  );
  const failed = results.some((r) => !r.ok);
  const name = endpoint.split('/')[1];
  const verbose = query.has('verbose') || failed;
  if (!verbose) {
    writeText(res, 200, 'ok');
    return;
  }
  const lines = results.map((r) => (r.ok ? `[+]${r.name} ok` : `[-]${r.name} failed: reason withheld`));
  lines.push(failed ? `${name} check failed` : `${name} check passed`);
  writeText(res, failed ? 500 : 200, lines.join('\n') + '\n');
}

function withTimeout(p: Promise<boolean>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      () => {
        clearTimeout(t);
        resolve(false);
      },
    );
  });
}
