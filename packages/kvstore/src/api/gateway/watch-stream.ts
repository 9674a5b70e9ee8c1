import type { ServerResponse } from 'node:http';
import { EtcdError } from '../../errors/index.js';
import { toKey, keyRangeOf, type KvEvent } from '../../mvcc/index.js';
import type { Member } from '../../server/member.js';
import { JsonFields, compact, i64 } from './json-fields.js';
import { event, header } from './kv-json.js';

/**
 * /v3/watch on the HTTP gateway: one create_request per POST, answered by a stream of
 * `{"result": WatchResponse}` lines. The watcher subscribes to applied events before it
 * replays history from start_revision, in the same tick, so it misses nothing and sees
 * nothing twice; each revision's events go out together, in order.
 */
export function serveWatch(member: Member, body: JsonFields, res: ServerResponse, watchId: number, onClose: (n: -1 | 1) => void): void {
  const create = body.message('create_request');
  const key = create.bytes('key');
  const rangeEnd = create.bytes('range_end');
  const startRevision = create.int('start_revision');
  const prevKv = create.bool('prev_kv');
  const progressNotify = create.bool('progress_notify');
  const filters = create.array('filters').map((f) => (f === 'NOPUT' || f === 0 ? 'PUT' : f === 'NODELETE' || f === 1 ? 'DELETE' : 'bad'));
  if (!body.has('create_request')) throw EtcdError.badRequest('the gateway watch takes a create_request');
  if (filters.includes('bad')) throw EtcdError.badRequest('create_request.filters: unknown filter');
  const range = keyRangeOf(key, rangeEnd);

  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
  const send = (result: Record<string, unknown>) => res.write(`${JSON.stringify({ result })}\n`);
  const shape = (e: KvEvent) => event(prevKv ? e : { type: e.type, kv: e.kv });
  const wanted = (e: KvEvent) => range(toKey(e.kv.key)) && !filters.includes(e.type);

  const deliver = (events: readonly KvEvent[]) => {
    // One response per revision, as etcd sends them.
    let i = 0;
    while (i < events.length) {
      const rev = events[i].kv.modRevision;
      const group: KvEvent[] = [];
      for (; i < events.length && events[i].kv.modRevision === rev; i++) if (wanted(events[i])) group.push(events[i]);
      if (group.length > 0) send(compact({ header: header(member.header(), rev), watch_id: i64(watchId), events: group.map(shape) }));
    }
  };

  const unsubscribe = member.onEvents((events) => deliver(events));
  onClose(1);
  const current = member.mvcc.currentRevision;
  send(compact({ header: header(member.header(), current), watch_id: i64(watchId), created: true }));
  if (startRevision > 0 && startRevision <= current) {
    try {
      deliver(member.mvcc.eventsSince(key, rangeEnd, startRevision, current).map((e) => withPrev(member, e, prevKv)));
    } catch (err) {
      if (!(err instanceof EtcdError) || err.etcdName !== 'Compacted') throw err;
      send(
        compact({
          header: header(member.header(), current),
          watch_id: i64(watchId),
          canceled: true,
          compact_revision: i64(member.mvcc.compactedRevision),
          cancel_reason: err.message,
        }),
      );
      unsubscribe();
      onClose(-1);
      res.end();
      return;
    }
  }
  const ticker = progressNotify
    ? setInterval(() => send(compact({ header: header(member.header(), member.mvcc.currentRevision), watch_id: i64(watchId) })), 10 * 60_000)
    : undefined;
  res.on('close', () => {
    unsubscribe();
    if (ticker) clearInterval(ticker);
    onClose(-1);
  });
}

/** History holds bare revisions; a watcher that asked for prev_kv gets the value before each. */
function withPrev(member: Member, e: KvEvent, wanted: boolean): KvEvent {
  if (!wanted) return e;
  const before = member.mvcc.range({ key: e.kv.key, revision: e.kv.modRevision - 1 }).kvs[0];
  return before ? { ...e, prevKv: before } : e;
}
