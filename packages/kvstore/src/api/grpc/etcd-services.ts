import * as grpc from '@grpc/grpc-js';
import { request } from 'undici';
import type { Logger } from '@flotilla/raft';
import { EtcdError, GrpcCode } from '../../errors/index.js';
import type { Member } from '../../server/member.js';
import { JsonFields } from '../gateway/json-fields.js';
import { routes } from '../gateway/routes.js';
import { grpcError } from './grpc-error.js';
import { learnerRefusal } from './learner-guard.js';
import { UNARY_METHODS, etcdProto } from './methods.js';
import { serveGrpcKeepAlive, serveGrpcSnapshot, serveGrpcWatch, type StreamOptions } from './streams.js';

export interface EtcdServicesOptions extends StreamOptions {
  readonly logger: Logger;
  /** Counts a call that failed for a reason other than an etcd error. */
  readonly onInternalError?: () => void;
}

/** Adds etcd's KV, Watch, Lease, Cluster and Maintenance services, answered by `member`, to `server`. */
export function addEtcdServices(server: grpc.Server, member: Member, opts: EtcdServicesOptions): void {
  const log = opts.logger.child({ component: 'grpc' });
  for (const [service, methods] of Object.entries(UNARY_METHODS)) {
    const handlers: grpc.UntypedServiceImplementation = {};
    for (const [method, path] of Object.entries(methods)) {
      handlers[method] = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        const refused = learnerRefusal(member, `${service}/${method}`, call.request);
        if (refused) return callback(grpcError(refused));
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
    if (service === 'Lease') handlers.LeaseKeepAlive = stream(member, 'Lease/LeaseKeepAlive', (call: grpc.ServerDuplexStream<unknown, unknown>) => serveGrpcKeepAlive(member, call));
    if (service === 'Maintenance') handlers.Snapshot = stream(member, 'Maintenance/Snapshot', (call: grpc.ServerWritableStream<unknown, unknown>) => void serveGrpcSnapshot(member, call));
    server.addService(serviceDefinition(service), handlers);
  }
  server.addService(serviceDefinition('Watch'), {
    Watch: stream(member, 'Watch/Watch', (call: grpc.ServerDuplexStream<unknown, unknown>) => serveGrpcWatch(member, call, opts)),
  });
}

/** A streaming method's handler; a learner refuses every stream, as etcd 3.4's does. */
function stream<C extends grpc.ServerWritableStream<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>>(member: Member, method: string, serve: (call: C) => void): (call: C) => void {
  return (call) => {
    const refused = learnerRefusal(member, method);
    if (refused) call.emit('error', grpcError(refused));
    else serve(call);
  };
}

function serviceDefinition(name: string): grpc.ServiceDefinition {
  return etcdProto[`etcdserverpb.${name}`] as grpc.ServiceDefinition;
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
