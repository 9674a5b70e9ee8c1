import { b64 } from '../../cluster/process-cluster.js';
import type { Json } from '../target.js';
import { hdr, kv, type ParityCase } from '../parity-case.js';
import { Scope } from '../scope.js';

type CompareTarget = 'VERSION' | 'CREATE' | 'MOD' | 'VALUE' | 'LEASE';
type CompareResult = 'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL';
const FIELD: Record<CompareTarget, string> = { VERSION: 'version', CREATE: 'create_revision', MOD: 'mod_revision', VALUE: 'value', LEASE: 'lease' };

const compare = (s: Scope, key: string, target: CompareTarget, result: CompareResult, against: string, extra: Record<string, unknown> = {}) => ({
  key: s.k(key),
  target,
  result,
  [FIELD[target]]: target === 'VALUE' ? b64(against) : against,
  ...extra,
});

/** Runs a txn with no ops and returns whether its compares held (or the error). */
async function holds(s: Scope, compares: unknown[]): Promise<Json> {
  const r = (await s.call('/v3/kv/txn', { compare: compares })) as { succeeded?: boolean; http?: number };
  return r.http ? r : (r.succeeded ?? false);
}

/** Txn compares (all targets, all results) on existing keys, on missing keys and on ranges. */
export const txnCompareCases: readonly ParityCase[] = [
  {
    name: 'txn compares version, create, mod and value with EQUAL, GREATER, LESS and NOT_EQUAL',
    async run(t) {
      const s = await Scope.open(t, 'parity/txn-compare/');
      await s.put('a', 'x1');
      await s.put('a', 'x2'); // a: create r+1, mod r+2, version 2, value x2
      await s.put('b', 'y');
      const table: [CompareTarget, CompareResult, string][] = [
        ['VERSION', 'EQUAL', '2'], ['VERSION', 'GREATER', '1'], ['VERSION', 'LESS', '2'], ['VERSION', 'NOT_EQUAL', '2'],
        ['CREATE', 'EQUAL', s.rev(1)], ['CREATE', 'GREATER', s.rev(1)], ['CREATE', 'LESS', s.rev(2)], ['CREATE', 'NOT_EQUAL', s.rev(2)],
        ['MOD', 'EQUAL', s.rev(2)], ['MOD', 'GREATER', s.rev(1)], ['MOD', 'LESS', s.rev(2)], ['MOD', 'NOT_EQUAL', s.rev(1)],
        ['VALUE', 'EQUAL', 'x2'], ['VALUE', 'GREATER', 'x1'], ['VALUE', 'LESS', 'x1'], ['VALUE', 'NOT_EQUAL', 'x2'],
      ];
      const out: Record<string, Json> = {};
      for (const [target, result, against] of table) out[`${target} ${result}`] = await holds(s, [compare(s, 'a', target, result, against)]);
      out['missing VERSION EQUAL 0'] = await holds(s, [compare(s, 'none', 'VERSION', 'EQUAL', '0')]);
      out['missing CREATE LESS r+1'] = await holds(s, [compare(s, 'none', 'CREATE', 'LESS', s.rev(1))]);
      out['missing VALUE NOT_EQUAL x'] = await holds(s, [compare(s, 'none', 'VALUE', 'NOT_EQUAL', 'x')]);
      out['all of two, one false'] = await holds(s, [compare(s, 'a', 'VERSION', 'EQUAL', '2'), compare(s, 'b', 'VERSION', 'EQUAL', '2')]);
      out['range [a,c) VERSION GREATER 0'] = await holds(s, [compare(s, 'a', 'VERSION', 'GREATER', '0', { range_end: s.k('c') })]);
      out['range [a,c) VERSION EQUAL 2'] = await holds(s, [compare(s, 'a', 'VERSION', 'EQUAL', '2', { range_end: s.k('c') })]);
      out['camelCase modRevision'] = await holds(s, [{ key: s.k('a'), target: 'MOD', modRevision: s.rev(2) }]);
      out['numeric enums'] = await holds(s, [{ key: s.k('a'), target: 1, result: 2, create_revision: s.rev(2) }]);
      out.unchanged = await s.range('b', { keys_only: true });
      return out;
    },
    expected: {
      'VERSION EQUAL': true, 'VERSION GREATER': true, 'VERSION LESS': false, 'VERSION NOT_EQUAL': false,
      'CREATE EQUAL': true, 'CREATE GREATER': false, 'CREATE LESS': true, 'CREATE NOT_EQUAL': true,
      'MOD EQUAL': true, 'MOD GREATER': true, 'MOD LESS': false, 'MOD NOT_EQUAL': true,
      'VALUE EQUAL': true, 'VALUE GREATER': true, 'VALUE LESS': false, 'VALUE NOT_EQUAL': false,
      'missing VERSION EQUAL 0': true,
      'missing CREATE LESS r+1': true,
      'missing VALUE NOT_EQUAL x': false,
      'all of two, one false': false,
      'range [a,c) VERSION GREATER 0': true,
      'range [a,c) VERSION EQUAL 2': false,
      'camelCase modRevision': true,
      'numeric enums': true,
      unchanged: { header: hdr(3), kvs: [kv('b', undefined, { c: 3, m: 3, v: 1 })], count: '1' },
    },
  },
  {
    name: 'txn compares the attached lease; a key without one has lease 0',
    async run(t) {
      const s = await Scope.open(t, 'parity/txn-lease/');
      const { id: lease } = await s.grant(60);
      await s.put('a', 'x', { lease });
      await s.put('b', 'y');
      const out: Record<string, Json> = {
        'a EQUAL lease': await holds(s, [compare(s, 'a', 'LEASE', 'EQUAL', lease)]),
        'a NOT_EQUAL lease': await holds(s, [compare(s, 'a', 'LEASE', 'NOT_EQUAL', lease)]),
        'a GREATER 0': await holds(s, [compare(s, 'a', 'LEASE', 'GREATER', '0')]),
        'b EQUAL 0': await holds(s, [compare(s, 'b', 'LEASE', 'EQUAL', '0')]),
        'b LESS lease': await holds(s, [compare(s, 'b', 'LEASE', 'LESS', lease)]),
        'missing EQUAL 0': await holds(s, [compare(s, 'none', 'LEASE', 'EQUAL', '0')]),
        read: await s.range('a'),
      };
      await s.call('/v3/lease/revoke', { ID: lease });
      return out;
    },
    expected: {
      'a EQUAL lease': true,
      'a NOT_EQUAL lease': false,
      'a GREATER 0': true,
      'b EQUAL 0': true,
      'b LESS lease': true,
      'missing EQUAL 0': true,
      read: { header: hdr(2), kvs: [kv('a', 'x', { c: 1, m: 1, v: 1, lease: 'lease#1' })], count: '1' },
    },
  },
];
