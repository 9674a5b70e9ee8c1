/**
 * etcdctl's printers for what a watch channel delivers (clientv3's WatchResponse), from
 * the gateway's JSON of one watch response.
 */
import { goJson } from './go-format.js';
import { fieldsHeader, fieldsKv, simpleKv, type Json } from './kv-printers.js';

/**
 * One response as clientv3 hands it to etcdctl. `closeErr` marks the response clientv3
 * makes up when the stream itself failed: no header, no events (Go's nil slice).
 */
export interface WatchResult {
  readonly header?: Json;
  readonly events?: readonly Json[];
  readonly compactRevision: string;
  readonly canceled: boolean;
  readonly cancelReason?: string;
  readonly closeErr?: string;
}

/** The gateway's `result` object as a WatchResult. */
export function watchResult(result: Json): WatchResult {
  return {
    header: result.header ?? {},
    events: result.events ?? [],
    compactRevision: String(result.compact_revision ?? '0'),
    canceled: result.canceled === true,
    cancelReason: result.cancel_reason,
  };
}

/** clientv3's WatchResponse.Err(), as etcdctl prints it after "watch was canceled". */
export function watchError(r: WatchResult): string | undefined {
  if (r.closeErr !== undefined) return r.closeErr;
  if (r.compactRevision !== '0') return 'etcdserver: mvcc: required revision has been compacted';
  if (r.canceled) return r.cancelReason ? r.cancelReason : 'etcdserver: mvcc: required revision is a future revision';
  return undefined;
}

/** clientv3's IsProgressNotify: nothing happened, but the watch has seen up to Header.Revision. */
export function isProgressNotify(r: WatchResult): boolean {
  return (r.events ?? []).length === 0 && !r.canceled && r.compactRevision === '0' && String(r.header?.revision ?? '0') !== '0';
}

/** Each event: its type, the previous key-value when asked for, then the key-value. */
export function simpleWatch(r: WatchResult, hex: boolean): string {
  return (r.events ?? []).map((e) => `${e.type ?? 'PUT'}\n${e.prev_kv ? simpleKv(e.prev_kv, hex) : ''}${simpleKv(e.kv ?? {}, hex)}`).join('');
}

export function fieldsWatch(r: WatchResult): string {
  return fieldsHeader(r.header ?? {}) + (r.events ?? []).map((e) => `"Type" : ${e.type ?? 'PUT'}\n${e.prev_kv ? fieldsKv(e.prev_kv, 'Prev') : ''}${fieldsKv(e.kv ?? {})}`).join('');
}

/**
 * encoding/json of clientv3.WatchResponse: exported fields without JSON tags (so
 * capitalised, never omitted), the event type as its enum number (PUT, 0, left out).
 */
export function jsonWatch(r: WatchResult): string {
  const events = r.events?.map((e) => {
    const { type, ...rest } = e;
    return type === undefined || type === 'PUT' ? rest : { type: type === 'DELETE' ? 1 : type, ...rest };
  });
  const header = goJson(r.header ?? {});
  return `{"Header":${header},"Events":${events ? goJson(events) : 'null'},"CompactRevision":${r.compactRevision},"Canceled":${r.canceled},"Created":false}\n`;
}
