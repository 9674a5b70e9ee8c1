import * as grpc from '@grpc/grpc-js';
import { UNARY_METHODS, etcdProto } from '../api/grpc/methods.js';
import { GatewayError, type GatewayJson } from './gateway-client.js';

/** The gRPC method that carries each gateway path, so workloads name calls one way. */
const METHOD_OF_PATH = new Map(Object.entries(UNARY_METHODS).flatMap(([service, methods]) => Object.entries(methods).map(([method, path]) => [path, { service, method }] as const)));

const REQUEST_TIMEOUT_MS = 30_000;

type UnaryFn = (request: GatewayJson, options: grpc.CallOptions, callback: (err: grpc.ServiceError | null, response: GatewayJson) => void) => grpc.ClientUnaryCall;

/**
 * The benchmark's requests over etcd's gRPC API instead of the gateway: --conns channels per
 * endpoint (each its own HTTP/2 connection), requests spread over them in turn. Same
 * interface as GatewayClient, so a workload runs unchanged over either transport.
 */
export class GrpcBenchClient {
  private readonly channels: Map<string, grpc.Client>[][];
  private next = 0;

  constructor(
    readonly endpoints: readonly string[],
    conns: number,
  ) {
    const pkg = grpc.loadPackageDefinition(etcdProto).etcdserverpb as Record<string, grpc.ServiceClientConstructor>;
    this.channels = endpoints.map((e) => {
      const target = e.replace(/^https?:\/\//, '');
      return Array.from({ length: conns }, () => {
        // A pool of its own per client, or grpc-js would share one connection among them.
        const options = { 'grpc.use_local_subchannel_pool': 1, 'grpc.max_receive_message_length': -1 };
        return new Map(Object.keys(UNARY_METHODS).map((service) => [service, new pkg[service](target, grpc.credentials.createInsecure(), options)]));
      });
    });
  }

  async post(index: number, path: string, body: GatewayJson, signal?: AbortSignal): Promise<GatewayJson> {
    const m = METHOD_OF_PATH.get(path);
    if (!m) throw new Error(`no gRPC method carries ${path}`);
    const conns = this.channels[index];
    const client = conns[this.next++ % conns.length].get(m.service)!;
    const fn = (client as unknown as Record<string, UnaryFn>)[m.method].bind(client);
    return new Promise((resolve, reject) => {
      const call = fn(body, { deadline: Date.now() + REQUEST_TIMEOUT_MS }, (err, response) => {
        signal?.removeEventListener('abort', cancel);
        if (err) reject(new GatewayError(err.details || err.message, err.code, 0));
        else resolve(response);
      });
      const cancel = () => call.cancel();
      signal?.addEventListener('abort', cancel, { once: true });
    });
  }

  async close(): Promise<void> {
    for (const conns of this.channels) for (const services of conns) for (const c of services.values()) c.close();
  }
}
