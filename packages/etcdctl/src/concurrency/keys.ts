import { prefixEnd } from '@flotilla/kvstore/client';

/** Gateway JSON spellings shared by the concurrency recipes. */
export type Json = Record<string, any>;

export const b64 = (key: string | Uint8Array): string => Buffer.from(key).toString('base64');

/** A range over every key under `prefix`, oldest or newest creation first, one key only (clientv3's WithFirstCreate / WithLastCreate). */
export function firstOrLastCreated(prefix: string, order: 'ASCEND' | 'DESCEND', maxCreateRevision?: number): Json {
  return {
    key: b64(prefix),
    range_end: b64(prefixEnd(new TextEncoder().encode(prefix))),
    limit: 1,
    sort_order: order,
    sort_target: 'CREATE',
    max_create_revision: maxCreateRevision === undefined ? undefined : String(maxCreateRevision),
  };
}

/** The key `prefix` + the session lease in lower-case hex (clientv3/concurrency's `%s%x`). */
export const sessionKey = (prefix: string, lease: bigint): string => `${prefix}${lease.toString(16)}`;

/** The lease ID as the gateway takes it: int64 in decimal. */
export const leaseText = (lease: bigint): string => BigInt.asIntN(64, lease).toString();
