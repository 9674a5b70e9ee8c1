import type { Json } from '../target.js';
import { hdr, kv, type ParityCase } from '../parity-case.js';
import { Scope } from '../scope.js';

/** Only what ordering and filtering decide: the keys in answer order, more and count. */
const listing = (r: Json) => {
  const o = r as { kvs?: { key: string }[]; more?: boolean; count?: string; http?: number };
  if (o.http) return r;
  return { keys: (o.kvs ?? []).map((x) => x.key), more: o.more ?? false, count: o.count ?? '0' };
};

/**
 * Three keys whose versions, create, mod revisions and values all differ, so that every
 * sort target gives one order with no ties:
 *   a: create r+2, mod r+2, version 1, value v5
 *   b: create r+3, mod r+5, version 2, value v3
 *   c: create r+1, mod r+6, version 3, value v7
 */
async function sortFixture(s: Scope): Promise<void> {
  for (const [k, v] of [['c', 'v2'], ['a', 'v5'], ['b', 'v9'], ['c', 'v1'], ['b', 'v3'], ['c', 'v7']]) await s.put(k, v);
}

/** Sorting, revision filters, historical and serializable reads. */
export const rangeOptionCases: readonly ParityCase[] = [
  {
    name: 'sort_order and sort_target order the kvs; a target without an order sorts ascending',
    async run(t) {
      const s = await Scope.open(t, 'parity/sort/');
      await sortFixture(s);
      const sorted = async (sort: Record<string, unknown>) => listing(await s.all(sort));
      return {
        keyDescend: await sorted({ sort_order: 'DESCEND' }),
        keyAscend: await sorted({ sort_order: 'ASCEND', sort_target: 'KEY' }),
        versionNone: await sorted({ sort_target: 'VERSION' }),
        versionDescend: await sorted({ sort_order: 'DESCEND', sort_target: 'VERSION' }),
        createAscend: await sorted({ sort_order: 'ASCEND', sort_target: 'CREATE' }),
        createDescend: await sorted({ sort_order: 'DESCEND', sort_target: 'CREATE' }),
        modDescendCamelCase: await sorted({ sortOrder: 'DESCEND', sortTarget: 'MOD' }),
        valueAscendByNumber: await sorted({ sort_order: 1, sort_target: 4 }),
        valueDescend: await sorted({ sort_order: 'DESCEND', sort_target: 'VALUE' }),
        createDescendLimit1: await sorted({ sort_order: 'DESCEND', sort_target: 'CREATE', limit: 1 }),
        full: await s.all({ sort_order: 'DESCEND', sort_target: 'MOD', limit: 2 }),
      };
    },
    expected: {
      keyDescend: { keys: ['c', 'b', 'a'], more: false, count: '3' },
      keyAscend: { keys: ['a', 'b', 'c'], more: false, count: '3' },
      versionNone: { keys: ['a', 'b', 'c'], more: false, count: '3' },
      versionDescend: { keys: ['c', 'b', 'a'], more: false, count: '3' },
      createAscend: { keys: ['c', 'a', 'b'], more: false, count: '3' },
      createDescend: { keys: ['b', 'a', 'c'], more: false, count: '3' },
      modDescendCamelCase: { keys: ['c', 'b', 'a'], more: false, count: '3' },
      valueAscendByNumber: { keys: ['b', 'a', 'c'], more: false, count: '3' },
      valueDescend: { keys: ['c', 'a', 'b'], more: false, count: '3' },
      createDescendLimit1: { keys: ['b'], more: true, count: '3' },
      full: { header: hdr(6), kvs: [kv('c', 'v7', { c: 1, m: 6, v: 3 }), kv('b', 'v3', { c: 3, m: 5, v: 2 })], more: true, count: '3' },
    },
  },
  {
    name: 'min/max mod and create revision filter the kvs; count still counts the unfiltered range',
    async run(t) {
      const s = await Scope.open(t, 'parity/filter/');
      // a: create r+1, mod r+4; b: r+2; c: r+3; d: r+5
      for (const k of ['a', 'b', 'c', 'a', 'd']) await s.put(k, k);
      const filtered = async (f: Record<string, unknown>) => listing(await s.all(f));
      return {
        minMod3: await filtered({ min_mod_revision: s.rev(3) }),
        maxMod3: await filtered({ max_mod_revision: s.rev(3) }),
        minCreate2: await filtered({ min_create_revision: s.rev(2) }),
        maxCreate2: await filtered({ max_create_revision: s.rev(2) }),
        minMod3MaxCreate3: await filtered({ min_mod_revision: s.rev(3), max_create_revision: s.rev(3) }),
        minMod3Limit1: await filtered({ min_mod_revision: s.rev(3), limit: 1 }),
        camelCase: await filtered({ minModRevision: s.rev(5), maxModRevision: s.rev(5) }),
      };
    },
    expected: {
      minMod3: { keys: ['a', 'c', 'd'], more: false, count: '4' },
      maxMod3: { keys: ['b', 'c'], more: false, count: '4' },
      minCreate2: { keys: ['b', 'c', 'd'], more: false, count: '4' },
      maxCreate2: { keys: ['a', 'b'], more: false, count: '4' },
      minMod3MaxCreate3: { keys: ['a', 'c'], more: false, count: '4' },
      minMod3Limit1: { keys: ['a'], more: true, count: '4' },
      camelCase: { keys: ['d'], more: false, count: '4' },
    },
  },
  {
    name: 'revision reads the store as it was then; the header still carries the current revision',
    async run(t) {
      const s = await Scope.open(t, 'parity/history/');
      await s.put('a', '1');
      await s.put('a', '2');
      await s.put('b', '1');
      await s.call('/v3/kv/deleterange', { key: s.k('a') });
      return {
        aAt1: await s.range('a', { revision: s.rev(1) }),
        aAt2: await s.range('a', { revision: s.rev(2) }),
        aAt4: await s.range('a', { revision: s.rev(4) }),
        allAt3: await s.all({ revision: s.rev(3) }),
        allBefore: await s.all({ revision: s.rev(0) }),
        negativeIsLatest: await s.all({ revision: '-1' }),
      };
    },
    expected: {
      aAt1: { header: hdr(4), kvs: [kv('a', '1', { c: 1, m: 1, v: 1 })], count: '1' },
      aAt2: { header: hdr(4), kvs: [kv('a', '2', { c: 1, m: 2, v: 2 })], count: '1' },
      aAt4: { header: hdr(4) },
      allAt3: { header: hdr(4), kvs: [kv('a', '2', { c: 1, m: 2, v: 2 }), kv('b', '1', { c: 3, m: 3, v: 1 })], count: '2' },
      allBefore: { header: hdr(4) },
      negativeIsLatest: { header: hdr(4), kvs: [kv('b', '1', { c: 3, m: 3, v: 1 })], count: '1' },
    },
  },
  {
    name: 'serializable reads answer from the member, linearizable ones from the quorum',
    async run(t) {
      const s = await Scope.open(t, 'parity/serializable/');
      await s.put('a', 'x', {}, 0);
      // The member that took the write has applied it before answering, so its local read sees it;
      // the others are made to catch up with a linearizable read first.
      const out: Record<string, Json> = { writer: await s.range('a', { serializable: true }, 0) };
      for (const m of [1, 2]) {
        out[`linearizable${m}`] = await s.range('a', {}, m);
        out[`serializable${m}`] = await s.range('a', { serializable: true }, m);
      }
      return out;
    },
    expected: {
      writer: { header: hdr(1), kvs: [kv('a', 'x', { c: 1, m: 1, v: 1 })], count: '1' },
      linearizable1: { header: hdr(1), kvs: [kv('a', 'x', { c: 1, m: 1, v: 1 })], count: '1' },
      serializable1: { header: hdr(1), kvs: [kv('a', 'x', { c: 1, m: 1, v: 1 })], count: '1' },
      linearizable2: { header: hdr(1), kvs: [kv('a', 'x', { c: 1, m: 1, v: 1 })], count: '1' },
      serializable2: { header: hdr(1), kvs: [kv('a', 'x', { c: 1, m: 1, v: 1 })], count: '1' },
    },
  },
];
