export * from './mvcc/index.js';
export * from './lease/index.js';
export * from './errors/index.js';
export * from './server/snapshot-file.js';
export { parseDuration } from './cli/server-config.js';
