export * from './mvcc/index.js';
export * from './lease/index.js';
