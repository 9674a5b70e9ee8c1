/**
 * Go's formatting, as etcdctl's output depends on it: %q quoting, and encoding/json of the
 * gRPC response structs (compact, int64 as numbers, bytes as base64, zero values left out).
 */

/** Go's strconv.Quote of a byte string: printable UTF-8 kept, everything else escaped. */
export function goQuote(bytes: Uint8Array): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const exact = Buffer.from(text, 'utf8').equals(Buffer.from(bytes));
  let out = '"';
  if (!exact) {
    // Invalid UTF-8: Go escapes the bad bytes one by one; we escape every non-ASCII byte.
    for (const b of bytes) out += b >= 0x20 && b < 0x7f ? escapeAscii(String.fromCharCode(b)) : `\\x${b.toString(16).padStart(2, '0')}`;
    return `${out}"`;
  }
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out += cp >= 0x20 && cp < 0x7f ? escapeAscii(ch) : controlEscape(cp);
    else if (/\p{L}|\p{M}|\p{N}|\p{P}|\p{S}|\u0020/u.test(ch)) out += ch;
    else out += cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

function escapeAscii(ch: string): string {
  return ch === '"' || ch === '\\' ? `\\${ch}` : ch;
}

function controlEscape(cp: number): string {
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };
  return named[cp] ?? `\\x${cp.toString(16).padStart(2, '0')}`;
}

/** Fields that are int64/uint64 in etcd's protos: the gateway sends them as strings, Go's JSON as numbers. */
const INT64_FIELDS = new Set([
  'cluster_id', 'member_id', 'revision', 'raft_term', 'create_revision', 'mod_revision', 'version', 'lease', 'count', 'deleted',
  'ID', 'TTL', 'grantedTTL', 'compact_revision', 'dbSize', 'dbSizeInUse', 'leader', 'raftIndex', 'raftTerm', 'raftAppliedIndex',
  'memberID', 'remaining_bytes', 'watch_id', 'hash_revision',
]);

/** etcd's gateway JSON re-encoded as etcdctl's `-w json` prints it. */
export function goJson(value: unknown, key = ''): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => goJson(v, key)).join(',')}]`;
  if (typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${JSON.stringify(k)}:${goJson(v, k)}`);
    return `{${parts.join(',')}}`;
  }
  if (typeof value === 'string' && INT64_FIELDS.has(key) && /^-?\d+$/.test(value)) return value;
  return goString(JSON.stringify(value));
}

/** encoding/json escapes HTML-significant characters and the JavaScript line separators. */
function goString(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
