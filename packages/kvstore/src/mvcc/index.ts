export { MvccStore, type MvccDb, type MvccOptions } from './mvcc-store.js';
export { MvccError, type MvccErrorCode } from './mvcc-error.js';
export { fromKey, toKey } from './key-range.js';
export * from './types.js';
