import { goldenSession, type Step } from './golden.js';

/** put, get, del, compaction, member list, endpoint status/health, lease grant/list/revoke. */
const SESSION: Step[] = [
  { args: ['put', 'foo', 'bar'] },
  { args: ['put', 'foo2', 'hello world', '--prev-kv'] },
  { args: ['put', 'foo2', 'x', '--prev-kv'] },
  { args: ['put', 'foo3', '--prev-kv', '-w', 'fields'], input: 'from stdin' },
  { args: ['put', 'q', 'say "hi"\n\ttab', '-w', 'fields'] },
  { args: ['get', 'foo'] },
  { args: ['get', 'foo', '--keys-only'] },
  { args: ['get', 'f', '--prefix', '--print-value-only'] },
  { args: ['get', 'f', '--prefix', '-w', 'fields'] },
  { args: ['get', 'f', '--prefix', '-w', 'json'] },
  { args: ['get', 'f', '--prefix', '--limit', '1', '--sort-by', 'MODIFY', '--order', 'DESCEND'] },
  { args: ['get', 'foo', '--from-key', '--rev', '3'] },
  { args: ['get', 'nosuch', '-w', 'json'] },
  { args: ['get', 'foo', '--hex'] },
  { args: ['del', 'foo2', '--prev-kv'] },
  { args: ['del', 'nosuch'] },
  { args: ['del', 'f', '--prefix', '-w', 'fields'] },
  { args: ['compaction', '3'] },
  { args: ['get', 'foo', '--rev', '2'] },
  { args: ['get'] },
  { args: ['get', 'a', '--prefix', '--from-key'] },
  { args: ['bogus'] },
  { args: ['member', 'list'] },
  { args: ['member', 'list', '-w', 'table'] },
  { args: ['member', 'list', '-w', 'json'] },
  { args: ['endpoint', 'status'] },
  { args: ['endpoint', 'status', '-w', 'table'] },
  { args: ['endpoint', 'health'] },
  { args: ['lease', 'grant', '100'] },
  { args: ['lease', 'list'] },
  { args: ['lease', 'revoke', '<LEASE>'] },
  { args: ['lease', 'list'] },
];

goldenSession('kv, member, endpoint, lease', SESSION);
