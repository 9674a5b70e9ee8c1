import { Packr } from 'msgpackr';
import type { DeleteRangeRequest, PutRequest, TxnRequest } from '../mvcc/index.js';

export type AlarmType = 'NONE' | 'NOSPACE' | 'CORRUPT';

/**
 * What a member proposes through Raft. Each is applied by every member in log order,
 * deterministically: anything random (a lease ID) or time-dependent is decided by the
 * proposer and carried in the request.
 */
export type InternalRequest =
  | { readonly op: 'put'; readonly req: PutRequest }
  | { readonly op: 'deleteRange'; readonly req: DeleteRangeRequest }
  | { readonly op: 'txn'; readonly req: TxnRequest }
  | { readonly op: 'compact'; readonly revision: number }
  | { readonly op: 'leaseGrant'; readonly id: bigint; readonly ttl: number }
  | { readonly op: 'leaseRevoke'; readonly id: bigint }
  | { readonly op: 'alarm'; readonly action: 'activate' | 'deactivate'; readonly memberId: string; readonly alarm: AlarmType }
  | { readonly op: 'memberAttributes'; readonly memberId: string; readonly name: string; readonly clientUrls: readonly string[]; readonly clusterId?: string };

const packr = new Packr({ useRecords: false });

export function encodeRequest(r: InternalRequest): Uint8Array {
  return packr.pack(r);
}

/** Decodes a committed request; byte fields come back as Uint8Array (msgpack bin). */
export function decodeRequest(data: Uint8Array): InternalRequest {
  return packr.unpack(data) as InternalRequest;
}
