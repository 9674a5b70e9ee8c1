export { RaftNode, type RaftNodeOptions, type ProposalResult, type CoreTuning } from './raft-node.js';
export { bootstrapLog, transportUrl, type PeerAddress, type PeerUrls } from './peer-urls.js';
export type { StateMachine, AppliedEntry } from './state-machine.js';
export { NodeMetrics } from './node-metrics.js';
