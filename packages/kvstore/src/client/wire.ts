import type { Header, KeyValue, Member, WatchEvent } from './types.js';

/** proto3 JSON of the gateway ↔ the client's types. The client imports nothing of the server. */
type Json = Record<string, any>;

export const b64 = (b: Uint8Array | string): string => Buffer.from(typeof b === 'string' ? Buffer.from(b) : b).toString('base64');
const bytes = (s: string | undefined): Uint8Array => new Uint8Array(Buffer.from(s ?? '', 'base64'));
const num = (s: string | number | undefined): number => Number(s ?? 0);
const big = (s: string | number | undefined): bigint => BigInt(s ?? 0);

export function header(h: Json | undefined): Header {
  return { clusterId: big(h?.cluster_id), memberId: big(h?.member_id), revision: num(h?.revision), raftTerm: num(h?.raft_term) };
}

export function keyValue(kv: Json): KeyValue {
  return {
    key: bytes(kv.key),
    value: bytes(kv.value),
    createRevision: num(kv.create_revision),
    modRevision: num(kv.mod_revision),
    version: num(kv.version),
    lease: big(kv.lease),
  };
}

export function watchEvent(e: Json): WatchEvent {
  return { type: e.type === 'DELETE' ? 'DELETE' : 'PUT', kv: keyValue(e.kv ?? {}), prevKv: e.prev_kv ? keyValue(e.prev_kv) : undefined };
}

export function member(m: Json): Member {
  return { id: big(m.ID), name: m.name ?? '', peerUrls: m.peerURLs ?? [], clientUrls: m.clientURLs ?? [], isLearner: m.isLearner ?? false };
}

/** The smallest key after every key with this prefix (etcd's prefix range end). */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  const end = Uint8Array.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  return Uint8Array.of(0);
}

export const toBytes = (k: Uint8Array | string): Uint8Array => (typeof k === 'string' ? new TextEncoder().encode(k) : k);
