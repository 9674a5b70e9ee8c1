import type { KvClient } from '@flotilla/kvstore/client';
import { ContextCanceled, throwIfCanceled } from './canceled.js';
import { firstOrLastCreated, type Json } from './keys.js';

/**
 * Waits until no key under `prefix` created at or before `maxCreateRevision` is left, as
 * clientv3/concurrency's waitDeletes: the newest such key is watched until it is deleted,
 * then the next one. Returns the header of the last (empty) range.
 */
export async function waitDeletes(client: KvClient, prefix: string, maxCreateRevision: number, signal?: AbortSignal): Promise<Json> {
  for (;;) {
    throwIfCanceled(signal);
    const resp = await client.call('/v3/kv/range', firstOrLastCreated(prefix, 'DESCEND', maxCreateRevision));
    const kvs: Json[] = resp.kvs ?? [];
    if (kvs.length === 0) return resp.header ?? {};
    await waitDelete(client, Buffer.from(kvs[0].key, 'base64'), Number(resp.header?.revision ?? 0), signal);
  }
}

/** Watches `key` from `revision` until an event deletes it. */
function waitDelete(client: KvClient, key: Uint8Array, revision: number, signal?: AbortSignal): Promise<void> {
  throwIfCanceled(signal);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      watch.cancel();
      reject(new ContextCanceled());
    };
    const watch = client.watch(key, { startRevision: revision }, (events) => {
      if (events.some((e) => e.type === 'DELETE')) {
        signal?.removeEventListener('abort', onAbort);
        watch.cancel();
        resolve();
      }
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    watch.done.then(
      (end) => {
        signal?.removeEventListener('abort', onAbort);
        // Cancelled by us settles nothing new; cancelled by the server (compaction) is an error.
        if (end.compactRevision || end.reason) reject(new Error(end.reason || 'etcdserver: mvcc: required revision has been compacted'));
        else reject(new Error('lost watcher waiting for delete'));
      },
      reject,
    );
  });
}
