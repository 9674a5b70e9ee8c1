import { b64 } from '../../cluster/process-cluster.js';
import { Code, err, hdr, kv, type ParityCase } from '../parity-case.js';
import { Scope } from '../scope.js';

const DUPLICATE = err(400, Code.InvalidArgument, 'etcdserver: duplicate key given in txn request');
const TOO_MANY = err(400, Code.InvalidArgument, 'etcdserver: too many operations in txn request');

const put = (s: Scope, key: string, value = 'v') => ({ request_put: { key: s.k(key), value: b64(value) } });
const get = (s: Scope, key: string) => ({ request_range: { key: s.k(key) } });
const del = (s: Scope, key: string, end?: string) => ({ request_delete_range: { key: s.k(key), ...(end ? { range_end: s.k(end) } : {}) } });

/** What a txn's branches do: op order, nesting, and the rules that reject a txn before it runs. */
export const txnOpCases: readonly ParityCase[] = [
  {
    name: 'txn ops run in order in one revision, each answer headed by it; a range sees the writes before it',
    async run(t) {
      const s = await Scope.open(t, 'parity/txn-ops/');
      await s.put('gone', 'old');
      return {
        empty: await s.call('/v3/kv/txn', {}),
        ops: await s.call('/v3/kv/txn', {
          success: [put(s, 'a', '1'), get(s, 'a'), del(s, 'gone'), get(s, 'gone'), { request_delete_range: { key: s.k('gone'), prev_kv: true } }],
        }),
        failure: await s.call('/v3/kv/txn', {
          compare: [{ key: s.k('a'), target: 'VALUE', value: b64('nope') }],
          success: [put(s, 'never')],
          failure: [{ requestPut: { key: s.k('a'), value: b64('2'), prevKv: true } }, get(s, 'never')],
        }),
        after: await s.all(),
      };
    },
    expected: {
      empty: { header: hdr(1), succeeded: true },
      ops: {
        header: hdr(2),
        succeeded: true,
        responses: [
          { response_put: { header: hdr(2) } },
          { response_range: { header: hdr(2), kvs: [kv('a', '1', { c: 2, m: 2, v: 1 })], count: '1' } },
          { response_delete_range: { header: hdr(2), deleted: '1' } },
          { response_range: { header: hdr(2) } },
          { response_delete_range: { header: hdr(2) } },
        ],
      },
      failure: {
        header: hdr(3),
        responses: [{ response_put: { header: hdr(3), prev_kv: kv('a', '1', { c: 2, m: 2, v: 1 }) } }, { response_range: { header: hdr(3) } }],
      },
      after: { header: hdr(3), kvs: [kv('a', '2', { c: 2, m: 3, v: 2 })], count: '1' },
    },
  },
  {
    name: 'a nested txn decides on its own compares inside the outer branch; its own header is empty',
    async run(t) {
      const s = await Scope.open(t, 'parity/txn-nested/');
      await s.put('flag', 'on');
      const inner = (value: string, then: string, otherwise: string) => ({
        request_txn: { compare: [{ key: s.k('flag'), target: 'VALUE', value: b64(value) }], success: [put(s, then)], failure: [put(s, otherwise)] },
      });
      return {
        outer: await s.call('/v3/kv/txn', { success: [inner('on', 'then1', 'else1'), inner('off', 'then2', 'else2'), get(s, 'then1')] }),
        camelCase: await s.call('/v3/kv/txn', { success: [{ requestTxn: { success: [{ requestRange: { key: s.k('else2') } }] } }] }),
        after: await s.all({ keys_only: true }),
      };
    },
    expected: {
      outer: {
        header: hdr(2),
        succeeded: true,
        responses: [
          { response_txn: { header: {}, succeeded: true, responses: [{ response_put: { header: hdr(2) } }] } },
          { response_txn: { header: {}, responses: [{ response_put: { header: hdr(2) } }] } },
          { response_range: { header: hdr(2), kvs: [kv('then1', 'v', { c: 2, m: 2, v: 1 })], count: '1' } },
        ],
      },
      camelCase: {
        header: hdr(2),
        succeeded: true,
        responses: [
          { response_txn: { header: {}, succeeded: true, responses: [{ response_range: { header: hdr(2), kvs: [kv('else2', 'v', { c: 2, m: 2, v: 1 })], count: '1' } }] } },
        ],
      },
      after: {
        header: hdr(2),
        kvs: [kv('else2', undefined, { c: 2, m: 2, v: 1 }), kv('flag', undefined, { c: 1, m: 1, v: 1 }), kv('then1', undefined, { c: 2, m: 2, v: 1 })],
        count: '3',
      },
    },
  },
  {
    name: 'a key written twice in one branch is rejected; overlapping deletes and the two branches of a nested txn are not',
    async run(t) {
      const s = await Scope.open(t, 'parity/txn-dup/');
      const txn = (body: Record<string, unknown>) => s.call('/v3/kv/txn', body);
      const nested = (success: unknown[], failure: unknown[] = []) => ({ request_txn: { success, failure } });
      return {
        putPut: await txn({ success: [put(s, 'a'), put(s, 'a')] }),
        putPutInFailure: await txn({ failure: [put(s, 'a'), put(s, 'a')] }),
        putThenDeleteRange: await txn({ success: [put(s, 'b'), del(s, 'a', 'c')] }),
        deleteThenPut: await txn({ success: [del(s, 'a'), put(s, 'a')] }),
        outerAndNested: await txn({ success: [put(s, 'a'), nested([put(s, 'a')])] }),
        twoNested: await txn({ success: [nested([put(s, 'a')]), nested([put(s, 'a')])] }),
        overlappingDeletes: await txn({ success: [del(s, 'a', 'c'), del(s, 'b', 'd')] }),
        nestedBranches: await txn({ success: [nested([put(s, 'a', 'then')], [put(s, 'a', 'else')])] }),
        rangeAndPut: await txn({ success: [put(s, 'a', 'x'), get(s, 'a')] }),
      };
    },
    expected: {
      putPut: DUPLICATE,
      putPutInFailure: DUPLICATE,
      putThenDeleteRange: DUPLICATE,
      deleteThenPut: DUPLICATE,
      outerAndNested: DUPLICATE,
      twoNested: DUPLICATE,
      overlappingDeletes: { header: hdr(0), succeeded: true, responses: [{ response_delete_range: { header: hdr(0) } }, { response_delete_range: { header: hdr(0) } }] },
      nestedBranches: { header: hdr(1), succeeded: true, responses: [{ response_txn: { header: {}, succeeded: true, responses: [{ response_put: { header: hdr(1) } }] } }] },
      rangeAndPut: {
        header: hdr(2),
        succeeded: true,
        responses: [{ response_put: { header: hdr(2) } }, { response_range: { header: hdr(2), kvs: [kv('a', 'x', { c: 1, m: 2, v: 2 })], count: '1' } }],
      },
    },
  },
  {
    name: 'a txn with more than 128 compares or ops in a branch is rejected',
    async run(t) {
      const s = await Scope.open(t, 'parity/txn-max/');
      const puts = (n: number) => Array.from({ length: n }, (_, i) => put(s, `k${i}`));
      const compares = (n: number) => Array.from({ length: n }, (_, i) => ({ key: s.k(`k${i}`), target: 'VERSION', version: '0' }));
      const txn = (body: Record<string, unknown>) => s.call('/v3/kv/txn', body);
      const ok128 = (await txn({ compare: compares(128), success: puts(128) })) as { responses?: unknown[] };
      return {
        success129: await txn({ success: puts(129) }),
        failure129: await txn({ failure: puts(129) }),
        compare129: await txn({ compare: compares(129) }),
        exactly128: { ...ok128, responses: ok128.responses?.length ?? 0 },
        written: await s.all({ count_only: true }),
      };
    },
    expected: {
      success129: TOO_MANY,
      failure129: TOO_MANY,
      compare129: TOO_MANY,
      exactly128: { header: hdr(1), succeeded: true, responses: 128 },
      written: { header: hdr(1), count: '128' },
    },
  },
];
