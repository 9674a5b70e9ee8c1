import {
  CompareResult,
  CompareTarget,
  SortOrder,
  SortTarget,
  type Compare,
  type DeleteRangeRequest,
  type DeleteRangeResult,
  type KeyValue,
  type KvEvent,
  type PutRequest,
  type PutResult,
  type RangeRequest,
  type RangeResult,
  type RequestOp,
  type ResponseOp,
  type TxnRequest,
  type TxnResult,
} from '../../mvcc/index.js';
import { EtcdError } from '../../errors/index.js';
import type { ResponseHeader } from '../../server/member.js';
import { hexToDecimal } from '../../server/identity.js';
import { JsonFields, compact, i64 } from './json-fields.js';

// ---- requests -----------------------------------------------------------------------------

export function rangeRequest(f: JsonFields): RangeRequest {
  return {
    key: f.bytes('key'),
    rangeEnd: f.bytes('range_end'),
    limit: f.int('limit'),
    revision: f.int('revision'),
    sortOrder: f.enumOf('sort_order', SortOrder, 'RangeRequest_SortOrder'),
    sortTarget: f.enumOf('sort_target', SortTarget, 'RangeRequest_SortTarget'),
    serializable: f.bool('serializable'),
    keysOnly: f.bool('keys_only'),
    countOnly: f.bool('count_only'),
    minModRevision: f.int('min_mod_revision'),
    maxModRevision: f.int('max_mod_revision'),
    minCreateRevision: f.int('min_create_revision'),
    maxCreateRevision: f.int('max_create_revision'),
  };
}

export function putRequest(f: JsonFields): PutRequest {
  return {
    key: f.bytes('key'),
    value: f.bytes('value'),
    lease: f.bigint('lease'),
    prevKv: f.bool('prev_kv'),
    ignoreValue: f.bool('ignore_value'),
    ignoreLease: f.bool('ignore_lease'),
  };
}

export function deleteRangeRequest(f: JsonFields): DeleteRangeRequest {
  return { key: f.bytes('key'), rangeEnd: f.bytes('range_end'), prevKv: f.bool('prev_kv') };
}

function compare(f: JsonFields): Compare {
  return {
    result: f.enumOf('result', CompareResult, 'Compare_CompareResult'),
    target: f.enumOf('target', CompareTarget, 'Compare_CompareTarget'),
    key: f.bytes('key'),
    rangeEnd: f.bytes('range_end'),
    version: f.int('version'),
    createRevision: f.int('create_revision'),
    modRevision: f.int('mod_revision'),
    value: f.bytes('value'),
    lease: f.bigint('lease'),
  };
}

function requestOp(f: JsonFields): RequestOp {
  if (f.has('request_range')) return { requestRange: rangeRequest(f.message('request_range')) };
  if (f.has('request_put')) return { requestPut: putRequest(f.message('request_put')) };
  if (f.has('request_delete_range')) return { requestDeleteRange: deleteRangeRequest(f.message('request_delete_range')) };
  if (f.has('request_txn')) return { requestTxn: txnRequest(f.message('request_txn')) };
  throw EtcdError.badRequest('a request op needs one of request_range, request_put, request_delete_range, request_txn');
}

export function txnRequest(f: JsonFields): TxnRequest {
  return { compare: f.messages('compare').map(compare), success: f.messages('success').map(requestOp), failure: f.messages('failure').map(requestOp) };
}

// ---- responses ----------------------------------------------------------------------------

export function header(h: ResponseHeader, revision = h.revision): Record<string, unknown> {
  return compact({ cluster_id: hexToDecimal(h.clusterId), member_id: hexToDecimal(h.memberId), revision: i64(revision), raft_term: i64(h.raftTerm) });
}

export function keyValue(kv: KeyValue): Record<string, unknown> {
  return compact({
    key: kv.key,
    create_revision: i64(kv.createRevision),
    mod_revision: i64(kv.modRevision),
    version: i64(kv.version),
    value: kv.value,
    lease: i64(kv.lease),
  });
}

export function event(e: KvEvent): Record<string, unknown> {
  return compact({ type: e.type === 'DELETE' ? 'DELETE' : undefined, kv: keyValue(e.kv), prev_kv: e.prevKv ? keyValue(e.prevKv) : undefined });
}

export function rangeResponse(h: ResponseHeader, r: RangeResult): Record<string, unknown> {
  return compact({ header: header(h, r.revision), kvs: r.kvs.map(keyValue), more: r.more, count: i64(r.count) });
}

export function putResponse(h: ResponseHeader, r: PutResult): Record<string, unknown> {
  return compact({ header: header(h, r.revision), prev_kv: r.prevKv ? keyValue(r.prevKv) : undefined });
}

export function deleteRangeResponse(h: ResponseHeader, r: DeleteRangeResult): Record<string, unknown> {
  return compact({ header: header(h, r.revision), deleted: i64(r.deleted), prev_kvs: r.prevKvs.map(keyValue) });
}

/** Ops inside a txn: etcd fills only the revision of their headers ("shouldn't be interpreted"). */
function responseOp(op: ResponseOp): Record<string, unknown> {
  const inner = (revision: number) => compact({ revision: i64(revision) });
  if ('responseRange' in op) {
    const r = op.responseRange;
    return { response_range: compact({ header: inner(r.revision), kvs: r.kvs.map(keyValue), more: r.more, count: i64(r.count) }) };
  }
  if ('responsePut' in op) {
    const r = op.responsePut;
    return { response_put: compact({ header: inner(r.revision), prev_kv: r.prevKv ? keyValue(r.prevKv) : undefined }) };
  }
  if ('responseDeleteRange' in op) {
    const r = op.responseDeleteRange;
    return { response_delete_range: compact({ header: inner(r.revision), deleted: i64(r.deleted), prev_kvs: r.prevKvs.map(keyValue) }) };
  }
  // etcd gives a nested txn's response an empty header.
  const r = op.responseTxn;
  return { response_txn: compact({ header: {}, succeeded: r.succeeded, responses: r.responses.map(responseOp) }) };
}

export function txnResponse(h: ResponseHeader, r: TxnResult): Record<string, unknown> {
  return compact({ header: header(h, r.revision), succeeded: r.succeeded, responses: r.responses.map(responseOp) });
}
