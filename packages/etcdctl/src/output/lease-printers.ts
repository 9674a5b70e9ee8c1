import type { OutputFormat } from '../context.js';
import { goJson, goQuote } from './go-format.js';
import { int64Of, type GatewayHeader, type GatewayLeaseKeepAlive, type GatewayLeaseTtl } from './gateway.js';
import { fieldsHeader } from './kv-printers.js';
import { embeddedHeaderJson, goHex, goList, render } from './printer.js';

const keyBytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
const lease16 = (id: bigint) => goHex(id, 16, '0');

/** The clientv3 structs that embed a *pb.ResponseHeader, in encoding/json. */
function embeddedJson(header: GatewayHeader | undefined, fields: readonly string[]): string {
  return `{${[...embeddedHeaderJson(header), ...fields].join(',')}}\n`;
}

/** `lease timetolive`: LeaseTimeToLiveResponse, whose JSON names are id, ttl, granted-ttl and keys. */
export function printTimeToLive(format: OutputFormat, resp: GatewayLeaseTtl, withKeys: boolean): string {
  const id = int64Of(resp.ID);
  const ttl = int64Of(resp.TTL);
  const granted = int64Of(resp.grantedTTL);
  const keys = resp.keys ?? [];
  return render(format, {
    simple: () => {
      if (granted === 0n && ttl === -1n) return `lease ${lease16(id)} already expired\n`;
      const attached = withKeys ? `, attached keys(${goList(keys.map((k) => Buffer.from(keyBytes(k)).toString('utf8')))})` : '';
      return `lease ${lease16(id)} granted with TTL(${granted}s), remaining(${ttl}s)${attached}\n`;
    },
    json: () => embeddedJson(resp.header, [`"id":${id}`, `"ttl":${ttl}`, `"granted-ttl":${granted}`, `"keys":${resp.keys ? goJson(keys) : 'null'}`]),
    fields: () => `${fieldsHeader(resp.header)}"ID" : ${id}\n"TTL" : ${ttl}\n"GrantedTTL" : ${granted}\n${keys.map((k) => `"Key" : ${goQuote(keyBytes(k))}\n`).join('')}`,
  });
}

/** One keep-alive answer (LeaseKeepAliveResponse, no JSON names of its own). */
export function printKeepAlive(format: OutputFormat, resp: GatewayLeaseKeepAlive): string {
  const id = int64Of(resp.ID);
  const ttl = int64Of(resp.TTL);
  return render(format, {
    simple: () => `lease ${lease16(id)} keepalived with TTL(${ttl})\n`,
    json: () => embeddedJson(resp.header, [`"ID":${id}`, `"TTL":${ttl}`]),
    fields: () => `${fieldsHeader(resp.header)}"ID" : ${id}\n"TTL" : ${ttl}\n`,
  });
}

/** `lease keep-alive` without --once, once the lease is gone: only the simple printer says so. */
export function printKeepAliveEnd(format: OutputFormat, id: bigint): string {
  return format === 'simple' ? `lease ${lease16(id)} expired or revoked.\n` : '';
}

export function printGrant(format: OutputFormat, resp: GatewayLeaseKeepAlive): string {
  const id = int64Of(resp.ID);
  const ttl = int64Of(resp.TTL);
  return render(format, {
    simple: () => `lease ${lease16(id)} granted with TTL(${ttl}s)\n`,
    json: () => embeddedJson(resp.header, [`"ID":${id}`, `"TTL":${ttl}`, '"Error":""']),
    fields: () => `${fieldsHeader(resp.header)}"ID" : ${id}\n"TTL" : ${ttl}\n`,
  });
}

/** `lease revoke`: the simple printer names the lease; json prints the bare response. */
export function printRevoke(format: OutputFormat, id: bigint, resp: { readonly header?: GatewayHeader }): string {
  return render(format, {
    simple: () => `lease ${lease16(id)} revoked\n`,
    json: () => `${goJson(resp)}\n`,
    fields: () => fieldsHeader(resp.header),
  });
}

export function printLeases(format: OutputFormat, resp: { readonly header?: GatewayHeader; readonly leases?: readonly { readonly ID?: string }[] }): string {
  const ids = (resp.leases ?? []).map((l) => int64Of(l.ID));
  return render(format, {
    simple: () => `found ${ids.length} leases\n${ids.map((id) => `${lease16(id)}\n`).join('')}`,
    // clientv3 always makes the slice, so an empty list is [] and never null.
    json: () => embeddedJson(resp.header, [`"leases":[${ids.map((id) => `{"id":${id}}`).join(',')}]`]),
    fields: () => `${fieldsHeader(resp.header)}${ids.map((id) => `"ID" : ${id}\n`).join('')}`,
  });
}
