/** The pure Raft state machine: no timers, IO or randomness of its own. */
export * from './types.js';
export { RaftError, type RaftErrorCode } from './errors.js';
export { RaftCore, type RaftConfig, type RaftStatus, type FollowerStatus } from './raft.js';
export { encodeConfChange, decodeConfChange } from './confchange.js';
export { bootstrapState, type FoundingMember } from './bootstrap.js';
export type { ProgressState } from './progress.js';
