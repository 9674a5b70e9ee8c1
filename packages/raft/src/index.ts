/**
 * @flotilla/raft — Raft consensus for Flotilla.
 *
 * - `core`: the pure, deterministic state machine (RaftCore) and its data types;
 * - `node`: RaftNode, the driver that persists, sends, applies and ticks;
 * - `storage`: the durable log on abstract-level (LevelDB);
 * - `transport`: the HTTP peer transport with fault injection.
 */
export * from './core/index.js';
export * from './node/index.js';
export * from './storage/index.js';
export * from './transport/index.js';
export { createLogger, silentLogger, type Logger, type LogLevel, type LogFields } from './logger.js';
