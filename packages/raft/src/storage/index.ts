export type { LogStorage, SaveRequest } from './log-storage.js';
export { LevelLogStorage, type BinaryLevel } from './level-log-storage.js';
export { measureSyncedWritesPerSecond, type DiskProbeResult } from './disk-probe.js';
