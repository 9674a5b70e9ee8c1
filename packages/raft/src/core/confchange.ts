import { pack, unpack } from 'msgpackr';
import type { ConfChange, ConfState, NodeId } from './types.js';
import { RaftError } from './errors.js';

export function encodeConfChange(cc: ConfChange): Uint8Array {
  return pack(cc.context ? [cc.type, cc.nodeId, cc.context] : [cc.type, cc.nodeId]);
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  const [type, nodeId, context] = unpack(data) as [ConfChange['type'], NodeId, Uint8Array | undefined];
  return context ? { type, nodeId, context: new Uint8Array(context) } : { type, nodeId };
}

/**
 * Checks a single-server change against the configuration it would be applied to.
 * Demoting a voter to learner needs joint consensus, which we do not do: remove it,
 * then add it back as a learner.
 */
export function validateConfChange(cs: ConfState, cc: ConfChange): void {
  const isVoter = cs.voters.includes(cc.nodeId);
  const isLearner = cs.learners.includes(cc.nodeId);
  switch (cc.type) {
    case 'addNode':
      if (isVoter) throw new RaftError('InvalidConfChange', `node ${cc.nodeId} is already a voter`);
      return;
    case 'addLearner':
      if (isVoter) throw new RaftError('InvalidConfChange', `node ${cc.nodeId} is a voter; remove it first`);
      if (isLearner) throw new RaftError('InvalidConfChange', `node ${cc.nodeId} is already a learner`);
      return;
    case 'updateNode':
      if (!isVoter && !isLearner) throw new RaftError('InvalidConfChange', `node ${cc.nodeId} is not a member`);
      return;
    case 'removeNode':
      if (!isVoter && !isLearner) throw new RaftError('InvalidConfChange', `node ${cc.nodeId} is not a member`);
      if (isVoter && cs.voters.length === 1) {
        throw new RaftError('InvalidConfChange', 'cannot remove the last voter');
      }
      return;
  }
}

/** The configuration after applying `cc`; changes that no longer apply are no-ops. */
export function applyConfChange(cs: ConfState, cc: ConfChange): ConfState {
  const voters = cs.voters.filter((v) => v !== cc.nodeId);
  const learners = cs.learners.filter((l) => l !== cc.nodeId);
  switch (cc.type) {
    case 'addNode':
      return { voters: [...voters, cc.nodeId], learners };
    case 'addLearner':
      // A voter stays a voter: the change was validated against an older config.
      if (cs.voters.includes(cc.nodeId)) return cs;
      return { voters, learners: [...learners, cc.nodeId] };
    case 'updateNode':
      return cs;
    case 'removeNode':
      // Never leave a cluster without voters.
      if (voters.length === 0) return cs;
      return { voters, learners };
  }
}
