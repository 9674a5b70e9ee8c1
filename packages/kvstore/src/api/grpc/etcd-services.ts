import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { request } from 'undici';
import type { Logger } from '@flotilla/raft';
import { EtcdError, GrpcCode } from '../../errors/index.js';
import type { Member } from '../../server/member.js';
import { JsonFields } from '../gateway/json-fields.js';
import { routes } from '../gateway/routes.js';
import { grpcError } from './grpc-error.js';
import { serveGrpcKeepAlive, serveGrpcSnapshot, serveGrpcWatch, type StreamOptions } from './streams.js';

const PROTO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'proto');

/**
 * Messages are decoded into the shapes of etcd's JSON gateway (proto field names, bytes
 * as base64, int64 as decimal strings, enums by name) and encoded back from them, so one
 * set of request readers and response builders (`../gateway`) serves both transports.
 */
const definition = loadSync(join(PROTO_DIR, 'rpc.proto'), {
  includeDirs: [PROTO_DIR],
  keepCase: true,
  longs: String,
  enums: String,
  bytes: String,
  defaults: false,
  oneofs: false,
});

/** Each unary method and the gateway route that carries the same call. */
const UNARY: Record<string, Record<string, string>> = {
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

export interface EtcdServicesOptions extends StreamOptions {
  readonly logger: Logger;
  /** Counts a call that failed for a reason other than an etcd error. */
  readonly onInternalError?: () => void;
}

/** Adds etcd's KV, Watch, Lease, Cluster and Maintenance services, answered by `member`, to `server`. */
export function addEtcdServices(server: grpc.Server, member: Member, opts: EtcdServicesOptions): void {
  const log = opts.logger.child({ component: 'grpc' });
  for (const [service, methods] of Object.entries(UNARY)) {
    const handlers: grpc.UntypedServiceImplementation = {};
    for (const [method, path] of Object.entries(methods)) {
      handlers[method] = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        unary(member, path, call.request)
          .then((response) => callback(null, response))
          .catch((err: unknown) => {
            if (!(err instanceof EtcdError)) {
              opts.onInternalError?.();
              log.error('call failed', { method: `${service}/${method}`, err });
            }
            callback(grpcError(err));
          });
      };
    }
    if (service === 'Lease') handlers.LeaseKeepAlive = (call: grpc.ServerDuplexStream<unknown, unknown>) => serveGrpcKeepAlive(member, call);
    if (service === 'Maintenance') handlers.Snapshot = (call: grpc.ServerWritableStream<unknown, unknown>) => void serveGrpcSnapshot(member, call);
    server.addService(serviceDefinition(service), handlers);
  }
  server.addService(serviceDefinition('Watch'), {
    Watch: (call: grpc.ServerDuplexStream<unknown, unknown>) => serveGrpcWatch(member, call, opts),
  });
}

function serviceDefinition(name: string): grpc.ServiceDefinition {
  return definition[`etcdserverpb.${name}`] as grpc.ServiceDefinition;
}

async function unary(member: Member, path: string, requestMessage: unknown): Promise<unknown> {
  const route = routes[path];
  if (route.leaderOnly && !member.raft.isLeader) return forwardToLeader(member, path, requestMessage);
  return route.handle(member, JsonFields.of(requestMessage));
}

/** A call only the leader answers goes to the leader's gateway, in the same JSON shapes. */
async function forwardToLeader(member: Member, path: string, requestMessage: unknown): Promise<unknown> {
  const upstream = await request(`${member.leaderClientUrl()}${path}`, { method: 'POST', body: JSON.stringify(requestMessage) }).catch(() => {
    throw new EtcdError('NoLeader');
  });
  const body = (await upstream.body.json()) as { message?: string; code?: number };
  if (upstream.statusCode !== 200) throw new EtcdError('BadRequest', body.message ?? `leader answered HTTP ${upstream.statusCode}`, body.code ?? GrpcCode.Unknown);
  return body;
}
