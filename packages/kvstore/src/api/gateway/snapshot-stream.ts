import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Member } from '../../server/member.js';
import { compact, i64 } from './json-fields.js';
import { header } from './kv-json.js';
import { StreamWriter } from './stream-writer.js';

/** etcd streams snapshots in 32 KiB pieces. */
const CHUNK_BYTES = 32 * 1024;

/**
 * POST /v3/maintenance/snapshot: the member's snapshot file as a stream of
 * SnapshotResponses, each with remaining_bytes counting what is still to come.
 */
export async function serveSnapshot(member: Member, res: ServerResponse, binary: boolean): Promise<void> {
  const file = await member.snapshotFile();
  const out = new StreamWriter(res, binary);
  for (let sent = 0; sent < file.byteLength && !res.destroyed; ) {
    const blob = file.subarray(sent, sent + CHUNK_BYTES);
    sent += blob.byteLength;
    const more = out.result(compact({ header: header(member.header()), remaining_bytes: i64(file.byteLength - sent), blob }));
    if (!more) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  }
  res.end();
}
