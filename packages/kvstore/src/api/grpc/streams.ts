import { once } from 'node:events';
import type * as grpc from '@grpc/grpc-js';
import type { Member } from '../../server/member.js';
import { WatchSession, type WatchSessionOptions } from '../../watch/watch-session.js';
import { JsonFields, compact, i64 } from '../gateway/json-fields.js';
import { header } from '../gateway/kv-json.js';
import { keepAlive } from '../gateway/keepalive-stream.js';
import { watchRequest, watchResponseJson } from '../gateway/watch-stream.js';
import { grpcError } from './grpc-error.js';

export type StreamOptions = WatchSessionOptions;

/** etcd streams snapshots in 32 KiB pieces. */
const SNAPSHOT_CHUNK_BYTES = 32 * 1024;

/** Watch: a bidirectional stream carrying many watchers, served by one WatchSession. */
export function serveGrpcWatch(member: Member, call: grpc.ServerDuplexStream<unknown, unknown>, opts: StreamOptions): void {
  const session = new WatchSession(
    member.watchSource,
    { send: (r) => call.write(watchResponseJson(member, r)), onDrain: (fn) => call.on('drain', fn) },
    opts,
  );
  const close = () => session.close();
  call.on('cancelled', close);
  call.on('close', close);
  call.on('error', close);
  call.on('data', (message: unknown) => {
    const request = watchRequest(JsonFields.of(message));
    if (request) session.handle(request);
  });
  // The client closing its side ends no watch: etcd keeps sending until the call ends.
  call.on('end', () => undefined);
}

/** LeaseKeepAlive: each request answered in order with the lease's remaining TTL. */
export function serveGrpcKeepAlive(member: Member, call: grpc.ServerDuplexStream<unknown, unknown>): void {
  let answered: Promise<void> = Promise.resolve();
  let failed = false;
  call.on('data', (message: unknown) => {
    const id = JsonFields.of(message).bigint('ID');
    answered = answered.then(async () => {
      if (failed || call.cancelled) return;
      try {
        call.write(await keepAlive(member, id));
      } catch (err) {
        failed = true;
        call.emit('error', grpcError(err));
      }
    });
  });
  call.on('end', () => void answered.then(() => !failed && call.end()));
}

/** Snapshot: the member's snapshot file in pieces, each with remaining_bytes still to come. */
export async function serveGrpcSnapshot(member: Member, call: grpc.ServerWritableStream<unknown, unknown>): Promise<void> {
  try {
    const file = await member.snapshotFile();
    for (let sent = 0; sent < file.byteLength && !call.cancelled; ) {
      const blob = file.subarray(sent, sent + SNAPSHOT_CHUNK_BYTES);
      sent += blob.byteLength;
      const more = call.write(compact({ header: header(member.header()), remaining_bytes: i64(file.byteLength - sent), blob }));
      if (!more) await Promise.race([once(call, 'drain'), once(call, 'cancelled')]);
    }
    call.end();
  } catch (err) {
    call.emit('error', grpcError(err));
  }
}
