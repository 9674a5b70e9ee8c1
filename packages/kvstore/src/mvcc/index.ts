export { MvccStore, type MvccDb, type MvccOptions } from './mvcc-store.js';
export { fromKey, toKey, keyRangeOf } from './key-range.js';
export * from './types.js';
