import { encodeConfChange } from './confchange.js';
import { EntryType, NONE, type Entry, type NodeId, type RestoredState } from './types.js';

export interface FoundingMember {
  readonly id: NodeId;
  /** Carried in the member's conf change entry (RaftNode puts the peer URL here). */
  readonly context?: Uint8Array;
}

/**
 * The starting state of a founding member of a new cluster. As in etcd, the founding
 * membership is written into the log as committed `addNode` entries of term 1, one per
 * member in id order, so every log starts with the same configuration: a member added
 * later that replays the log from index 1 learns who the voters are. Every founding
 * member must be given the same list (etcd's --initial-cluster); the entries are then
 * identical everywhere, as log matching requires.
 */
export function bootstrapState(members: readonly FoundingMember[]): RestoredState {
  if (members.length === 0) throw new Error('a cluster needs at least one founding member');
  const sorted = [...members].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const entries: Entry[] = sorted.map((m, i) => ({
    term: 1,
    index: i + 1,
    type: EntryType.ConfChange,
    data: encodeConfChange(m.context ? { type: 'addNode', nodeId: m.id, context: m.context } : { type: 'addNode', nodeId: m.id }),
  }));
  return { hardState: { term: 1, vote: NONE, commit: entries.length }, entries };
}
