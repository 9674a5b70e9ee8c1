import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSync } from '@grpc/proto-loader';

const PROTO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'proto');

/**
 * etcd's services as @grpc/proto-loader reads proto/rpc.proto. Messages are decoded into
 * the shapes of etcd's JSON gateway (proto field names, bytes as base64, int64 as decimal
 * strings, enums by name) and encoded back from them, so one set of request readers and
 * response builders (`../gateway`) serves both transports, and clients of either speak alike.
 */
export const etcdProto = loadSync(join(PROTO_DIR, 'rpc.proto'), {
  includeDirs: [PROTO_DIR],
  keepCase: true,
  longs: String,
  enums: String,
  bytes: String,
  defaults: false,
  oneofs: false,
});

/** Each unary method, by service, and the gateway route that carries the same call. */
export const UNARY_METHODS: Record<string, Record<string, string>> = {
  KV: { Range: '/v3/kv/range', Put: '/v3/kv/put', DeleteRange: '/v3/kv/deleterange', Txn: '/v3/kv/txn', Compact: '/v3/kv/compaction' },
  Lease: { LeaseGrant: '/v3/lease/grant', LeaseRevoke: '/v3/lease/revoke', LeaseTimeToLive: '/v3/lease/timetolive', LeaseLeases: '/v3/lease/leases' },
  Cluster: {
    MemberAdd: '/v3/cluster/member/add',
    MemberRemove: '/v3/cluster/member/remove',
    MemberUpdate: '/v3/cluster/member/update',
    MemberList: '/v3/cluster/member/list',
    MemberPromote: '/v3/cluster/member/promote',
  },
  Maintenance: {
    Alarm: '/v3/maintenance/alarm',
    Status: '/v3/maintenance/status',
    Defragment: '/v3/maintenance/defragment',
    Hash: '/v3/maintenance/hash',
    HashKV: '/v3/maintenance/hashkv',
    MoveLeader: '/v3/maintenance/transfer-leadership',
  },
};
