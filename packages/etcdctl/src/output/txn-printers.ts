/** etcdctl's printers for a TxnResponse (the gateway's JSON in, etcdctl's bytes out). */
import { goJson } from './go-format.js';
import { fieldsDel, fieldsGet, fieldsHeader, fieldsPut, simpleDel, simpleGet, simplePut, type Json } from './kv-printers.js';

/** SUCCESS or FAILURE, then each response after a blank line, as put/get/del print theirs. */
export function simpleTxn(resp: Json, hex: boolean): string {
  let out = resp.succeeded === true ? 'SUCCESS\n' : 'FAILURE\n';
  for (const r of (resp.responses ?? []) as Json[]) {
    out += '\n';
    if (r.response_delete_range) out += simpleDel(r.response_delete_range, hex);
    else if (r.response_put) out += simplePut(r.response_put, hex);
    else if (r.response_range) out += simpleGet(r.response_range, hex, false);
    else out += `unexpected response ${JSON.stringify(r)}\n`;
  }
  return out;
}

/** The header, "Succeeded", then each response's fields, each with its own (mostly zero) header. */
export function fieldsTxn(resp: Json): string {
  let out = fieldsHeader(resp.header) + `"Succeeded" : ${resp.succeeded === true}\n`;
  for (const r of (resp.responses ?? []) as Json[]) {
    if (r.response_delete_range) out += fieldsDel(r.response_delete_range);
    else if (r.response_put) out += fieldsPut(r.response_put);
    else if (r.response_range) out += fieldsGet(r.response_range);
  }
  return out;
}

const ONE_OF: Record<string, string> = { response_range: 'ResponseRange', response_put: 'ResponsePut', response_delete_range: 'ResponseDeleteRange', response_txn: 'ResponseTxn' };

/**
 * encoding/json of etcd's pb.TxnResponse: a ResponseOp's oneof has no JSON tag, so each
 * response comes out as {"Response":{"ResponsePut":{...}}}.
 */
export function jsonTxn(resp: Json): string {
  const responses = ((resp.responses ?? []) as Json[]).map((r) => {
    const [field, value] = Object.entries(r)[0] ?? [];
    return { Response: field ? { [ONE_OF[field] ?? field]: value } : null };
  });
  const shaped: Json = { ...resp };
  if (responses.length > 0) shaped.responses = responses;
  return `${goJson(shaped)}\n`;
}
