import type { IncomingMessage, ServerResponse } from 'node:http';
import { EtcdError, GrpcCode } from '../../errors/index.js';
import type { Member } from '../../server/member.js';
import { WatchSession, type WatchSessionOptions } from '../../watch/watch-session.js';
import type { WatchCreate, WatchRequest, WatchResponse } from '../../watch/types.js';
import { readMessages } from './body-stream.js';
import { JsonFields, compact, i64 } from './json-fields.js';
import { event, header } from './kv-json.js';
import { StreamWriter } from './stream-writer.js';

const FILTERS = { NOPUT: 0, NODELETE: 1 } as const;

/**
 * POST /v3/watch: the body is a stream of WatchRequests (create, cancel, progress), the
 * response a stream of `{"result": WatchResponse}` lines, both open until the client goes.
 * As with etcd 3.4's gateway: a first request that cannot be decoded fails the call (500,
 * Unknown); a later one ends reading requests while the watches already made go on.
 */
export function serveWatch(member: Member, req: IncomingMessage, res: ServerResponse, binary: boolean, limit: number, opts: WatchSessionOptions): void {
  const out = new StreamWriter(res, binary);
  const session = new WatchSession(member.watchSource, { send: (r) => out.result(watchResponseJson(member, r)), onDrain: (fn) => res.on('drain', fn) }, opts);
  res.on('close', () => session.close());
  readMessages(
    req,
    binary,
    limit,
    (value) => {
      const request = watchRequest(JsonFields.of(value));
      if (request) session.handle(request);
    },
    (err, first) => {
      if (!first) return;
      session.close();
      out.error(new EtcdError('BadRequest', err.message, GrpcCode.Unknown));
    },
  );
}

/** A WatchRequest; one with none of its three requests set means nothing (etcd ignores it). */
export function watchRequest(body: JsonFields): WatchRequest | undefined {
  if (body.has('create_request')) {
    const c = body.message('create_request');
    const create: WatchCreate = {
      key: c.bytes('key'),
      rangeEnd: c.bytes('range_end'),
      startRevision: c.int('start_revision'),
      progressNotify: c.bool('progress_notify'),
      // etcd skips filter numbers it does not know.
      filters: c.enums('filters', FILTERS, 'WatchCreateRequest_FilterType').flatMap((n) => (n === FILTERS.NOPUT ? ['NOPUT' as const] : n === FILTERS.NODELETE ? ['NODELETE' as const] : [])),
      prevKv: c.bool('prev_kv'),
      watchId: c.int('watch_id'),
      fragment: c.bool('fragment'),
    };
    return { create };
  }
  if (body.has('cancel_request')) return { cancel: { watchId: body.message('cancel_request').int('watch_id') } };
  if (body.has('progress_request')) return { progress: true };
  return undefined;
}

export function watchResponseJson(member: Member, r: WatchResponse): Record<string, unknown> {
  return compact({
    header: header(member.header(), r.revision),
    watch_id: i64(r.watchId),
    created: r.created,
    canceled: r.canceled,
    compact_revision: i64(r.compactRevision ?? 0),
    cancel_reason: r.cancelReason,
    fragment: r.fragment,
    events: r.events.map(event),
  });
}
