import { b64 } from '../../cluster/process-cluster.js';
import { hdr, kv, type ParityCase } from '../parity-case.js';
import { Scope } from '../scope.js';

/** Put, get and the ways a range selects keys. */
export const putRangeCases: readonly ParityCase[] = [
  {
    name: 'put returns prev_kv only when asked and the key existed; get returns the latest version',
    async run(t) {
      const s = await Scope.open(t, 'parity/put/');
      return {
        create: await s.put('a', 'v1', { prev_kv: true }),
        overwrite: await s.put('a', 'v2', { prev_kv: true }),
        quiet: await s.put('a', 'v3'),
        get: await s.range('a'),
        missing: await s.range('nope'),
      };
    },
    expected: {
      create: { header: hdr(1) },
      overwrite: { header: hdr(2), prev_kv: kv('a', 'v1', { c: 1, m: 1, v: 1 }) },
      quiet: { header: hdr(3) },
      get: { header: hdr(3), kvs: [kv('a', 'v3', { c: 1, m: 3, v: 3 })], count: '1' },
      missing: { header: hdr(3) },
    },
  },
  {
    name: 'range_end selects [key, range_end); a prefix is the range up to its last byte + 1',
    async run(t) {
      const s = await Scope.open(t, 'parity/prefix/');
      for (const k of ['a', 'b', 'b/1', 'b/2', 'c']) await s.put(k, k.toUpperCase());
      return {
        prefixB: await s.range('b', { range_end: s.k('c') }),
        prefixBSlash: await s.range('b/', { range_end: s.k('b0') }),
        halfOpen: await s.range('a', { range_end: s.k('b/2'), keys_only: true }),
        everything: await s.all({ count_only: true }),
        emptyRange: await s.range('c', { range_end: s.k('a') }),
      };
    },
    expected: {
      prefixB: {
        header: hdr(5),
        kvs: [kv('b', 'B', { c: 2, m: 2, v: 1 }), kv('b/1', 'B/1', { c: 3, m: 3, v: 1 }), kv('b/2', 'B/2', { c: 4, m: 4, v: 1 })],
        count: '3',
      },
      prefixBSlash: { header: hdr(5), kvs: [kv('b/1', 'B/1', { c: 3, m: 3, v: 1 }), kv('b/2', 'B/2', { c: 4, m: 4, v: 1 })], count: '2' },
      halfOpen: {
        header: hdr(5),
        kvs: [kv('a', undefined, { c: 1, m: 1, v: 1 }), kv('b', undefined, { c: 2, m: 2, v: 1 }), kv('b/1', undefined, { c: 3, m: 3, v: 1 })],
        count: '3',
      },
      everything: { header: hdr(5), count: '5' },
      emptyRange: { header: hdr(5) },
    },
  },
  {
    name: 'range_end "\\0" reads every key from key onwards',
    async run(t) {
      // The prefix sorts after every other case's keys, so "from b onwards" sees only this case.
      const s = await Scope.open(t, 'zz-parity-from-key/');
      for (const k of ['a', 'b', 'c']) await s.put(k, k);
      return {
        fromB: await s.range('b', { range_end: b64('\0') }),
        fromBKeysOnly: await s.range('b', { range_end: 'AA==', keys_only: true, limit: '1' }),
      };
    },
    expected: {
      fromB: { header: hdr(3), kvs: [kv('b', 'b', { c: 2, m: 2, v: 1 }), kv('c', 'c', { c: 3, m: 3, v: 1 })], count: '2' },
      fromBKeysOnly: { header: hdr(3), kvs: [kv('b', undefined, { c: 2, m: 2, v: 1 })], more: true, count: '2' },
    },
  },
  {
    name: 'limit truncates, more says keys were left out, count counts the whole range',
    async run(t) {
      const s = await Scope.open(t, 'parity/limit/');
      for (const k of ['k1', 'k2', 'k3', 'k4', 'k5']) await s.put(k, k);
      const keysOf = (r: any) => ({ keys: (r.kvs ?? []).map((x: { key: string }) => x.key), more: r.more ?? false, count: r.count ?? '0' });
      return {
        limit2: await s.all({ limit: 2 }),
        limit5: keysOf(await s.all({ limit: '5' })),
        limit6: keysOf(await s.all({ limit: 6 })),
        limit0: keysOf(await s.all({ limit: 0 })),
        limit1From3: keysOf(await s.range('k3', { range_end: s.end, limit: 1 })),
      };
    },
    expected: {
      limit2: { header: hdr(5), kvs: [kv('k1', 'k1', { c: 1, m: 1, v: 1 }), kv('k2', 'k2', { c: 2, m: 2, v: 1 })], more: true, count: '5' },
      limit5: { keys: ['k1', 'k2', 'k3', 'k4', 'k5'], more: false, count: '5' },
      limit6: { keys: ['k1', 'k2', 'k3', 'k4', 'k5'], more: false, count: '5' },
      limit0: { keys: ['k1', 'k2', 'k3', 'k4', 'k5'], more: false, count: '5' },
      limit1From3: { keys: ['k3'], more: true, count: '3' },
    },
  },
  {
    name: 'keys_only drops values; count_only returns the count and no kvs',
    async run(t) {
      const s = await Scope.open(t, 'parity/only/');
      await s.put('a', 'x');
      await s.put('b', 'y');
      return {
        keysOnly: await s.all({ keys_only: true }),
        countOnly: await s.all({ count_only: true }),
        countOnlyLimit: await s.all({ count_only: true, limit: 1 }),
        countOnlyMissing: await s.range('zzz', { count_only: true }),
      };
    },
    expected: {
      keysOnly: { header: hdr(2), kvs: [kv('a', undefined, { c: 1, m: 1, v: 1 }), kv('b', undefined, { c: 2, m: 2, v: 1 })], count: '2' },
      countOnly: { header: hdr(2), count: '2' },
      countOnlyLimit: { header: hdr(2), count: '2' },
      countOnlyMissing: { header: hdr(2) },
    },
  },
];
