import type { KubeObject } from '../../api/object.js';
import { isNotFound } from '../../client/rest/api-error.js';
import type { ResourceRef } from '../../client/rest/resource-ref.js';
import type { RestClient } from '../../client/rest/rest-client.js';

/**
 * A change a sync function decided on. Sync functions are pure and answer a list of these; the
 * controller hands them to applyWrites. Updates carry the cached object's resourceVersion, so a
 * decision made on a stale cache loses its compare-and-swap (409) and the key is retried.
 */
export type Write =
  | { readonly op: 'create'; readonly ref: ResourceRef; readonly object: KubeObject }
  | { readonly op: 'update'; readonly ref: ResourceRef; readonly object: KubeObject }
  | { readonly op: 'updateStatus'; readonly ref: ResourceRef; readonly object: KubeObject }
  | { readonly op: 'delete'; readonly ref: ResourceRef; readonly namespace?: string; readonly name: string; readonly uid?: string };

/** What happened to one write: the object the apiserver answered, or the error. */
export type WriteOutcome = { readonly write: Write; readonly ok: true; readonly object: KubeObject } | { readonly write: Write; readonly ok: false; readonly error: unknown };

/** Performs one write. A delete of an object that is already gone counts as done. */
export async function applyWrite(client: RestClient, write: Write): Promise<KubeObject> {
  switch (write.op) {
    case 'create':
      return client.create(write.ref, write.object);
    case 'update':
      return client.update(write.ref, write.object);
    case 'updateStatus':
      return client.updateStatus(write.ref, write.object);
    case 'delete':
      try {
        return await client.delete(write.ref, write.name, { namespace: write.namespace, preconditions: write.uid ? { uid: write.uid } : undefined });
      } catch (err) {
        if (isNotFound(err)) return { metadata: { name: write.name, namespace: write.namespace } };
        throw err;
      }
  }
}

/** Performs writes concurrently and reports each outcome (none is lost to another's failure). */
export async function applyWrites(client: RestClient, writes: readonly Write[]): Promise<WriteOutcome[]> {
  return Promise.all(
    writes.map((write) =>
      applyWrite(client, write).then(
        (object): WriteOutcome => ({ write, ok: true, object }),
        (error: unknown): WriteOutcome => ({ write, ok: false, error }),
      ),
    ),
  );
}

/** Throws the first failure among outcomes (so the work queue retries the key), after all were tried. */
export function throwFirstFailure(outcomes: readonly WriteOutcome[], what: string): void {
  const failed = outcomes.filter((o): o is Extract<WriteOutcome, { ok: false }> => !o.ok);
  if (failed.length === 0) return;
  const first = failed[0]!.error;
  const message = first instanceof Error ? first.message : String(first);
  throw new Error(`${what}: ${failed.length} of ${outcomes.length} writes failed; first: ${message}`, { cause: first });
}
