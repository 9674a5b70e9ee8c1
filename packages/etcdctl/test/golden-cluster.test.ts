import { Cluster } from './clusters.js';
import { goldenSession, memberIdSpellings, type Step } from './golden.js';

/** lease timetolive and keep-alive, and lease grant/revoke/list in every format. */
const LEASES: Step[] = [
  { args: ['lease', 'grant', '100'] },
  { args: ['put', '--lease=<LEASE>', 'k1', 'v1'] },
  { args: ['lease', 'timetolive', '<LEASE>'] },
  { args: ['lease', 'timetolive', '<LEASE>', '--keys'] },
  { args: ['lease', 'timetolive', '<LEASE>', '--keys', '-w', 'json'] },
  { args: ['lease', 'timetolive', '<LEASE>', '-w', 'json'] },
  { args: ['lease', 'timetolive', '<LEASE>', '--keys', '-w', 'fields'] },
  { args: ['lease', 'timetolive', '<LEASE>', '-w', 'table'] },
  { args: ['lease', 'timetolive', '1234'] },
  { args: ['lease', 'timetolive', '1234', '-w', 'json'] },
  { args: ['lease', 'timetolive', '1234', '-w', 'fields'] },
  { args: ['lease', 'timetolive', '--', '-5'] },
  { args: ['lease', 'timetolive', 'zz'] },
  { args: ['lease', 'timetolive', 'ffffffffffffffff'] },
  { args: ['lease', 'timetolive'] },
  { args: ['lease', 'timetolive', 'a', 'b'] },
  { args: ['lease', 'keep-alive', '--once', '<LEASE>'] },
  { args: ['lease', 'keep-alive', '--once', '<LEASE>', '-w', 'json'] },
  { args: ['lease', 'keep-alive', '--once', '<LEASE>', '-w', 'fields'] },
  { args: ['lease', 'keep-alive', '--once', '<LEASE>', '-w', 'table'] },
  { args: ['lease', 'keep-alive', '--once', '1234'] },
  { args: ['lease', 'keep-alive', '--once', '1234', '-w', 'json'] },
  // Without --once, a lease that is gone ends the command at the first answer.
  { args: ['lease', 'keep-alive', '1234'] },
  { args: ['lease', 'keep-alive', '1234', '-w', 'fields'] },
  { args: ['lease', 'keep-alive'] },
  { args: ['lease', 'keep-alive', 'xyz'] },
  { args: ['lease', 'list', '-w', 'json'] },
  { args: ['lease', 'list', '-w', 'fields'] },
  { args: ['lease', 'list', '-w', 'table'] },
  { args: ['lease', 'grant', '5', '-w', 'fields'], capture: { pattern: /^"ID" : (\d+)$/m, name: '<LEASE 2>' } },
  { args: ['lease', 'grant', 'x'] },
  { args: ['lease', 'revoke', '<LEASE>', '-w', 'json'] },
  { args: ['lease', 'revoke', '<LEASE>'] },
  { args: ['lease', 'revoke', 'zz'] },
  { args: ['lease', 'timetolive', '<LEASE>'] },
  { args: ['get', 'k1'] },
];

const newMember = (name: string) => ({ pattern: /^Member ( *[0-9a-f]+) added/m, name, spellings: memberIdSpellings });

/**
 * member add (a learner, which never starts), update, promote and remove; the usage
 * errors and the URL checks clientv3 makes before sending.
 */
const MEMBERS: Step[] = [
  { args: ['member', 'add'] },
  { args: ['member', 'add', 'x'] },
  { args: ['member', 'add', 'x', 'http://a:1', 'https://b:2', 'y'] },
  { args: ['member', 'add', 'x', '--peer-urls=foo'] },
  { args: ['member', 'add', 'x', '--peer-urls=http://a:1/p'] },
  { args: ['member', 'add', 'x', '--peer-urls=http://a'] },
  { args: ['member', 'add', 'x', '--peer-urls=<PEER>'] },
  { args: ['member', 'add', 'newbie', '--learner', '--peer-urls=http://127.0.0.1:1'], capture: newMember('<NEW MEMBER>') },
  { args: ['member', 'list'], unordered: true },
  { args: ['member', 'list', '-w', 'table'], unordered: true },
  { args: ['member', 'promote', '<NEW MEMBER>'] },
  { args: ['member', 'promote', '<NEW MEMBER>', '-w', 'json'] },
  { args: ['member', 'promote', '<MEMBER>'] },
  { args: ['member', 'promote', '1234'] },
  { args: ['member', 'promote'] },
  { args: ['member', 'update', '<NEW MEMBER>', '--peer-urls=http://127.0.0.1:3'] },
  { args: ['member', 'update', '<NEW MEMBER>', '--peer-urls=http://127.0.0.1:3', '-w', 'fields'] },
  { args: ['member', 'update', '<NEW MEMBER>', '--peer-urls=<PEER>'] },
  { args: ['member', 'update', '<NEW MEMBER>'] },
  { args: ['member', 'update', '1234', '--peer-urls=http://127.0.0.1:4'] },
  { args: ['member', 'update', 'zz', '--peer-urls=http://127.0.0.1:4'] },
  { args: ['member', 'update', '<NEW MEMBER>', '--peer-urls=ftp://127.0.0.1:4'] },
  { args: ['member', 'remove', '<NEW MEMBER>', '-w', 'table'] },
  { args: ['member', 'remove', '<NEW MEMBER>'] },
  { args: ['member', 'list'] },
  { args: ['member', 'add', 'second', '--learner', '--peer-urls=http://127.0.0.1:5'], capture: newMember('<SECOND>') },
  { args: ['member', 'remove', '<SECOND>', '-w', 'json'] },
  { args: ['member', 'add', 'third', '--learner', '--peer-urls=http://127.0.0.1:6', '-w', 'fields'] },
  // The add printed nothing (fields does not print member changes): name the learner from the list.
  { args: ['member', 'list', '-w', 'fields'], unordered: true, capture: { pattern: /^"ID" : (\d+)\n"Name" : ""$/m, name: '<THIRD>', spellings: (id) => memberIdSpellings(BigInt(id).toString(16).padStart(16, ' ')) } },
  { args: ['member', 'remove', '<THIRD>'] },
  { args: ['member', 'remove', 'zz'] },
  { args: ['member', 'remove', '10000000000000000'] },
  { args: ['member', 'remove'] },
];

/** endpoint hashkv, status and health, with and without --cluster, on one member. */
const ENDPOINTS: Step[] = [
  { args: ['put', 'a', '1'] },
  { args: ['put', 'b', '2'] },
  { args: ['put', 'a', '3'] },
  { args: ['endpoint', 'hashkv'], capture: { pattern: /, (\d+)$/m, name: '<HASH>' } },
  { args: ['endpoint', 'hashkv', '-w', 'table'] },
  { args: ['endpoint', 'hashkv', '--cluster'] },
  { args: ['endpoint', 'hashkv', '--rev', '2'], capture: { pattern: /, (\d+)$/m, name: '<HASH AT 2>' } },
  { args: ['endpoint', 'hashkv', '--rev', '300'] },
  { args: ['compaction', '3'] },
  { args: ['endpoint', 'hashkv'], capture: { pattern: /, (\d+)$/m, name: '<COMPACTED HASH>' } },
  { args: ['endpoint', 'hashkv', '-w', 'json'] },
  { args: ['endpoint', 'hashkv', '-w', 'fields'] },
  { args: ['endpoint', 'hashkv', '--rev', '2'] },
  { args: ['endpoint', 'status', '--cluster'] },
  { args: ['endpoint', 'status', '--cluster', '-w', 'json'] },
  { args: ['endpoint', 'status', '-w', 'fields'] },
  { args: ['endpoint', 'status', '--cluster', '-w', 'table'] },
  { args: ['endpoint', 'health', '--cluster'] },
  { args: ['endpoint', 'health', '-w', 'fields'] },
  { args: ['endpoint', 'health', '--cluster', '-w', 'table'] },
  { args: ['endpoint', 'health', '-w', 'json'] },
  // A member that does not answer: the others are still reported.
  { args: ['--endpoints=127.0.0.1:1', '--command-timeout=1s', 'endpoint', 'status'] },
  { args: ['--endpoints=127.0.0.1:1', '--command-timeout=1s', 'endpoint', 'hashkv'] },
  { args: ['--endpoints=127.0.0.1:1', '--command-timeout=1s', 'endpoint', 'health'], unordered: true },
];

/** Three members: --cluster over all of them, and leadership moved from one to another. */
const THREE_MEMBERS: Step[] = [
  { args: ['put', 'k', 'v'] },
  // Whoever won the election, member 1 leads from here on.
  { args: ['move-leader', '<MEMBER 1>'], setup: true },
  { args: ['endpoint', 'status'] },
  { args: ['endpoint', 'status', '-w', 'table'] },
  { args: ['endpoint', 'status', '--cluster'], unordered: true },
  { args: ['move-leader', '<MEMBER 2>'] },
  { args: ['endpoint', 'status'] },
  { args: ['move-leader', '<MEMBER 3>', '-w', 'json'], setup: true },
  { args: ['endpoint', 'status', '-w', 'json'] },
  { args: ['member', 'list'], unordered: true },
  { args: ['member', 'promote', '<MEMBER 2>'] },
  { args: ['endpoint', 'hashkv'], capture: { pattern: /, (\d+)$/m, name: '<HASH>' } },
  { args: ['endpoint', 'hashkv', '--cluster'], unordered: true },
  { args: ['endpoint', 'health', '--cluster'], unordered: true },
  { args: ['endpoint', 'health', '--cluster', '-w', 'table'], unordered: true },
  { args: ['defrag', '--cluster'], unordered: true },
];

goldenSession('lease timetolive and keep-alive', LEASES);
goldenSession('member add, update, promote, remove', MEMBERS);
goldenSession('endpoint hashkv, status, health', ENDPOINTS);
goldenSession('three members: --cluster and move-leader', THREE_MEMBERS, { start: (kind) => Cluster.start(kind, { size: 3 }) });
