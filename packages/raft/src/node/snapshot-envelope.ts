import { pack, unpack } from 'msgpackr';
import type { NodeId, Snapshot } from '../core/index.js';

/**
 * RaftNode's snapshots carry the peer URLs next to the application's data, so that a
 * member that installs a snapshot (or restarts from one) knows how to reach everyone
 * whose conf change entries were compacted away.
 */
export function wrapSnapshot(peers: ReadonlyMap<NodeId, string>, appData: Uint8Array): Uint8Array {
  return pack({ peers: [...peers], app: appData });
}

export function unwrapSnapshot(s: Snapshot): { peers: Map<NodeId, string>; snapshot: Snapshot } {
  const { peers, app } = unpack(s.data) as { peers: [NodeId, string][]; app: Uint8Array };
  return { peers: new Map(peers), snapshot: { metadata: s.metadata, data: app } };
}
