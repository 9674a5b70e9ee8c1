import { createHash } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (Go's base32.StdEncoding, without caring for padding: we keep a prefix). */
function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** The first 16 base32 characters of the SHA-256 of `text`: how kube-proxy keeps chain names short and stable. */
function chainHash(text: string): string {
  return base32(createHash('sha256').update(text).digest()).slice(0, 16);
}

/** KUBE-SVC-<hash of "ns/name:port" + lower-case protocol>, as kube-proxy names it (e.g. default/kubernetes:https tcp → KUBE-SVC-NPX46M4PTMTKRN6Y). */
export function serviceChainName(servicePortName: string, protocol: string): string {
  return `KUBE-SVC-${chainHash(servicePortName + protocol.toLowerCase())}`;
}

/** KUBE-SEP-<hash of "ns/name:port" + lower-case protocol + "ip:port">. */
export function endpointChainName(servicePortName: string, protocol: string, endpoint: string): string {
  return `KUBE-SEP-${chainHash(servicePortName + protocol.toLowerCase() + endpoint)}`;
}
