import { goQuote } from './go-format.js';

export type Json = Record<string, any>;

const bytes = (b64: string | undefined) => new Uint8Array(Buffer.from(b64 ?? '', 'base64'));
const num = (v: unknown) => (v === undefined ? '0' : String(v));

/** With --hex, etcdctl prints keys and values as \x66\x6f\x6f. */
export function text(b64: string | undefined, hex: boolean): string {
  const b = bytes(b64);
  if (!hex) return Buffer.from(b).toString('utf8');
  return [...b].map((x) => `\\x${x.toString(16).padStart(2, '0')}`).join('');
}

// ---- simple ------------------------------------------------------------------------------

export function simpleKv(kv: Json, hex: boolean, valueOnly = false): string {
  return `${valueOnly ? '' : `${text(kv.key, hex)}\n`}${text(kv.value, hex)}\n`;
}

export function simplePut(resp: Json, hex: boolean): string {
  return `OK\n${resp.prev_kv ? simpleKv(resp.prev_kv, hex) : ''}`;
}

export function simpleGet(resp: Json, hex: boolean, valueOnly: boolean): string {
  return (resp.kvs ?? []).map((kv: Json) => simpleKv(kv, hex, valueOnly)).join('');
}

export function simpleDel(resp: Json, hex: boolean): string {
  return `${num(resp.deleted)}\n${(resp.prev_kvs ?? []).map((kv: Json) => simpleKv(kv, hex)).join('')}`;
}

// ---- fields ------------------------------------------------------------------------------

export function fieldsHeader(h: Json = {}): string {
  return `"ClusterID" : ${num(h.cluster_id)}\n"MemberID" : ${num(h.member_id)}\n"Revision" : ${num(h.revision)}\n"RaftTerm" : ${num(h.raft_term)}\n`;
}

export function fieldsKv(kv: Json, prefix = ''): string {
  return (
    `"${prefix}Key" : ${goQuote(bytes(kv.key))}\n` +
    `"${prefix}CreateRevision" : ${num(kv.create_revision)}\n` +
    `"${prefix}ModRevision" : ${num(kv.mod_revision)}\n` +
    `"${prefix}Version" : ${num(kv.version)}\n` +
    `"${prefix}Value" : ${goQuote(bytes(kv.value))}\n` +
    `"${prefix}Lease" : ${num(kv.lease)}\n`
  );
}

export function fieldsPut(resp: Json): string {
  return fieldsHeader(resp.header) + (resp.prev_kv ? fieldsKv(resp.prev_kv, 'Prev') : '');
}

export function fieldsGet(resp: Json): string {
  return fieldsHeader(resp.header) + (resp.kvs ?? []).map((kv: Json) => fieldsKv(kv)).join('') + `"More" : ${resp.more === true}\n"Count" : ${num(resp.count)}\n`;
}

export function fieldsDel(resp: Json): string {
  return fieldsHeader(resp.header) + `"Deleted" : ${num(resp.deleted)}\n` + (resp.prev_kvs ?? []).map((kv: Json) => fieldsKv(kv, 'Prev')).join('');
}
