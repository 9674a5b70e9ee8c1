import { createHash } from 'node:crypto';

/**
 * Member and cluster IDs after etcd: a member's ID is the first 8 bytes of SHA-1 over its
 * sorted peer URLs and the cluster token (etcd also mixes in the time for members added
 * later; we do not, so a joining process can compute its own ID); the cluster's ID hashes
 * its founding members' IDs. IDs are 16 hex
 * digits, which is also the member's Raft node ID.
 */
export function memberId(peerUrls: readonly string[], clusterToken: string): string {
  const h = createHash('sha1');
  h.update([...peerUrls].sort().join(''));
  h.update(clusterToken);
  return h.digest().subarray(0, 8).toString('hex');
}

export function clusterId(memberIds: readonly string[]): string {
  const h = createHash('sha1');
  for (const id of [...memberIds].sort()) h.update(Buffer.from(id, 'hex'));
  return h.digest().subarray(0, 8).toString('hex');
}

/** A 16-hex-digit ID as the decimal string etcd's JSON uses for uint64. */
export function hexToDecimal(id: string): string {
  return BigInt(`0x${id}`).toString();
}

export function decimalToHex(id: string | bigint): string {
  return BigInt.asUintN(64, BigInt(id)).toString(16).padStart(16, '0');
}
