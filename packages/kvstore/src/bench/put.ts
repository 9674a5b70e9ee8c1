import { measure } from './closed-loop.js';
import { GrpcBenchClient } from './grpc-client.js';
import { GatewayClient, findLeaderEndpoint } from './gateway-client.js';
import { KeySpace, randomValueBase64 } from './key-space.js';
import type { PutOptions } from './options.js';
import type { WorkloadResult } from './workload-result.js';

/**
 * `bench put`: --total puts of one random --val-size value to keys of the key space, from
 * --clients loops spread over the endpoints (or all to the leader with --target-leader).
 */
export async function runPut(o: PutOptions, signal?: AbortSignal): Promise<WorkloadResult> {
  const client = o.transport === 'grpc' ? new GrpcBenchClient(o.endpoints, o.conns) : new GatewayClient(o.endpoints, o.conns);
  try {
    const leader = o.targetLeader ? await findLeaderEndpoint(client) : undefined;
    const keys = new KeySpace(o.keySpaceSize, o.keySize, o.sequentialKeys);
    const value = randomValueBase64(o.valSize);
    const { startedAt, recorder, elapsedMs } = await measure('put', { total: o.total, clients: o.clients, signal }, async (i, c) => {
      await client.post(leader ?? c % o.endpoints.length, '/v3/kv/put', { key: keys.keyBase64For(i), value });
    });
    const stats: Record<string, string> = leader === undefined ? {} : { leader: o.endpoints[leader] };
    return { workload: 'put', startedAt, main: { title: 'Put', recorder, elapsedMs }, phases: [], stats };
  } finally {
    await client.close();
  }
}
