import { bootstrapState, type NodeId, type RestoredState } from '../core/index.js';

/**
 * A node's peer URLs, as RaftNode keeps them: every URL the node was given, in the order
 * given (etcd lists them all for a member). The transport sends to one of them: see transportUrl.
 */
export type PeerUrls = readonly string[];

/**
 * The URL the transport sends to: the lowest in sorted order, so that the choice does not
 * depend on the order the URLs were given in (a member update may list them in any order);
 * a node with several URLs must listen there.
 */
export function transportUrl(urls: PeerUrls): string | undefined {
  return [...urls].sort()[0];
}

/** What callers may pass for a node's address: one URL or several. */
export type PeerAddress = string | PeerUrls;

export const peerUrlsOf = (address: PeerAddress): PeerUrls => (typeof address === 'string' ? [address] : [...address]);

/**
 * The URLs travel comma-separated, in conf change contexts and in snapshots: a single URL
 * is encoded exactly as it was before nodes had several, so old logs still read.
 */
export function encodePeerUrls(urls: PeerUrls): string {
  return urls.join(',');
}

export function decodePeerUrls(text: string): PeerUrls {
  return text.split(',').filter((u) => u !== '');
}

const encoder = new TextEncoder();

/**
 * The log a founding member of a new cluster starts from: one committed addNode entry per
 * member, each carrying the member's peer URLs. RaftNode writes it at a fresh start; a
 * restore that lays out a data directory for a new cluster writes the same.
 */
export function bootstrapLog(initialCluster: ReadonlyMap<NodeId, PeerAddress>): RestoredState {
  return bootstrapState([...initialCluster].map(([id, address]) => ({ id, context: encoder.encode(encodePeerUrls(peerUrlsOf(address))) })));
}
