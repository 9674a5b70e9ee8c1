import { Cluster } from './clusters.js';
import { goldenSession, type Step } from './golden.js';

/** defrag, move-leader and alarms on one member; what etcdctl refuses before asking. */
const MAINTENANCE: Step[] = [
  { args: ['defrag'] },
  { args: ['defrag', '--cluster'] },
  { args: ['defrag', '-w', 'json', 'ignored'] },
  { args: ['--endpoints=127.0.0.1:1', '--command-timeout=1s', 'defrag'] },
  { args: ['move-leader'] },
  { args: ['move-leader', 'zz'] },
  { args: ['move-leader', '1234'] },
  { args: ['move-leader', '<MEMBER>'] },
  { args: ['move-leader', '<MEMBER>', '-w', 'fields'] },
  { args: ['move-leader', '<MEMBER>', '-w', 'table'] },
  { args: ['alarm', 'list'] },
  { args: ['alarm', 'disarm'] },
  { args: ['alarm', 'disarm', '-w', 'json'] },
  { args: ['alarm', 'list', '-w', 'table'] },
  { args: ['alarm', 'list', 'x'] },
  { args: ['alarm', 'disarm', 'x'] },
  { args: ['compaction', 'x'] },
  { args: ['compaction'] },
];

/**
 * A member over its quota raises NOSPACE. etcd's smallest database is already over a
 * one-byte quota; ours fills it with the first put: the setup brings both to the alarm.
 */
const ALARMS: Step[] = [
  { args: ['put', 'a', '1'], setup: true },
  { args: ['put', 'a', '2'], setup: true },
  { args: ['put', 'a', '3'] },
  { args: ['alarm', 'list'] },
  { args: ['alarm', 'list', '-w', 'table'] },
  { args: ['alarm', 'disarm'], setup: true },
  { args: ['alarm', 'list'] },
];

/** snapshot save, and what `snapshot status` and `snapshot restore` refuse before reading a snapshot. */
const SNAPSHOTS: Step[] = [
  { args: ['put', 'a', '1'] },
  { args: ['snapshot', 'save', '<DIR>/s.db'] },
  { args: ['snapshot', 'save'] },
  { args: ['snapshot', 'save', 'a', 'b'] },
  { args: ['snapshot', 'save', '<DIR>/nonexistent/s.db'] },
  { args: ['--endpoints=127.0.0.1:1', 'snapshot', 'save', '<DIR>/t.db'] },
  { args: ['snapshot', 'status'] },
  { args: ['snapshot', 'status', '<DIR>/none.db'] },
  { args: ['snapshot', 'status', '<DIR>/s.db', '-w', 'protobuf'] },
  { args: ['snapshot', 'restore'] },
  { args: ['snapshot', 'restore', '<DIR>/none.db', '--data-dir=<DIR>/r1'] },
  { args: ['snapshot', 'restore', '<DIR>/s.db', '--data-dir=<DIR>'] },
  { args: ['snapshot', 'restore', '<DIR>/s.db', '--name=x'] },
  { args: ['snapshot', 'restore', '<DIR>/s.db', '--data-dir=<DIR>/r2', '--initial-advertise-peer-urls=foo'] },
  { args: ['snapshot', 'restore', '<DIR>/s.db', '--data-dir=<DIR>/r3', '--initial-cluster=bad'] },
  { args: ['snapshot', 'restore', '<DIR>/s.db', '--data-dir=<DIR>/r4', '--initial-advertise-peer-urls=http://127.0.0.1:9'] },
  { args: ['snapshot', 'restore', '<DIR>/s.db', '--data-dir=<DIR>/r5', '--initial-cluster=default=http://localhost:12380,b=http://localhost:12380'] },
  // One URL missing, not two: etcd lists the missing ones in Go map order, which varies run to run.
  { args: ['snapshot', 'restore', '<DIR>/s.db', '--data-dir=<DIR>/r6', '--initial-cluster=default=http://localhost:12380,default=http://localhost:12381', '--initial-advertise-peer-urls=http://localhost:12380'] },
  { args: ['snapshot', 'restore', '<DIR>/s.db', '--data-dir=<DIR>/r7', '--name=a', '--initial-cluster=a=http://127.0.0.1:1', '--initial-advertise-peer-urls=http://127.0.0.1:1,http://127.0.0.1:2'] },
];

const oneMember = (flags: string[] = []) => ({ start: (kind: 'ours' | 'etcd') => Cluster.start(kind, { size: 1, flags }) });

goldenSession('defrag, move-leader, alarm', MAINTENANCE);
goldenSession('alarms raised by the quota', ALARMS, oneMember(['--quota-backend-bytes=1']));
goldenSession('snapshot save, and the checks of status and restore', SNAPSHOTS, oneMember());
