export * from './mvcc/index.js';
export * from './lease/index.js';
export * from './errors/index.js';
export * from './server/snapshot-file.js';
export { parseDuration } from './cli/server-config.js';
export { restoreMemberDataDir, MemberRestoreError, type RestoreOptions, type RestoredMember } from './server/restore.js';
