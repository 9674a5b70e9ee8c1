export { RaftNode, type RaftNodeOptions, type ProposalResult, type CoreTuning } from './raft-node.js';
export type { StateMachine, AppliedEntry } from './state-machine.js';
export { NodeMetrics } from './node-metrics.js';
