import { pack, unpack } from 'msgpackr';
import type { NodeId, Snapshot } from '../core/index.js';
import { decodePeerUrls, encodePeerUrls, type PeerUrls } from './peer-urls.js';

/**
 * RaftNode's snapshots carry the peer URLs next to the application's data, so that a
 * member that installs a snapshot (or restarts from one) knows how to reach everyone
 * whose conf change entries were compacted away. Each node's URLs are one comma-separated
 * string, as in conf change contexts.
 */
export function wrapSnapshot(peers: ReadonlyMap<NodeId, PeerUrls>, appData: Uint8Array): Uint8Array {
  return pack({ peers: [...peers].map(([id, urls]) => [id, encodePeerUrls(urls)]), app: appData });
}

export function unwrapSnapshot(s: Snapshot): { peers: Map<NodeId, PeerUrls>; snapshot: Snapshot } {
  const { peers, app } = unpack(s.data) as { peers: [NodeId, string][]; app: Uint8Array };
  return { peers: new Map(peers.map(([id, urls]) => [id, decodePeerUrls(urls)])), snapshot: { metadata: s.metadata, data: app } };
}
