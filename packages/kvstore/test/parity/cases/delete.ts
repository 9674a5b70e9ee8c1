import { hdr, kv, type ParityCase } from '../parity-case.js';
import { Scope } from '../scope.js';

/** DeleteRange: single keys, ranges, prev_kvs and deletes that match nothing. */
export const deleteCases: readonly ParityCase[] = [
  {
    name: 'deleterange deletes a key or a range in one revision, with prev_kvs when asked',
    async run(t) {
      const s = await Scope.open(t, 'parity/delete/');
      for (const k of ['a', 'b', 'c', 'd', 'e']) await s.put(k, k);
      const del = (body: Record<string, unknown>) => s.call('/v3/kv/deleterange', body);
      return {
        one: await del({ key: s.k('a'), prev_kv: true }),
        range: await del({ key: s.k('b'), range_end: s.k('d'), prev_kv: true }),
        nothing: await del({ key: s.k('zz'), prev_kv: true }),
        rest: await del({ key: s.k(''), range_end: s.end }),
        left: await s.all(),
        recreated: await s.put('a', 'again'),
        fresh: await s.range('a'),
      };
    },
    expected: {
      one: { header: hdr(6), deleted: '1', prev_kvs: [kv('a', 'a', { c: 1, m: 1, v: 1 })] },
      range: { header: hdr(7), deleted: '2', prev_kvs: [kv('b', 'b', { c: 2, m: 2, v: 1 }), kv('c', 'c', { c: 3, m: 3, v: 1 })] },
      nothing: { header: hdr(7) },
      rest: { header: hdr(8), deleted: '2' },
      left: { header: hdr(8) },
      recreated: { header: hdr(9) },
      fresh: { header: hdr(9), kvs: [kv('a', 'again', { c: 9, m: 9, v: 1 })], count: '1' },
    },
  },
];
