import { measure } from './closed-loop.js';
import { GrpcBenchClient } from './grpc-client.js';
import { GatewayClient } from './gateway-client.js';
import { KeySpace } from './key-space.js';
import type { RangeOptions } from './options.js';
import type { WorkloadResult } from './workload-result.js';

/**
 * `bench range`: --total ranges, linearizable (--consistency l) or serializable (s), of
 * KEY [END] when given, else of one key of the key space per request, so a range run with
 * a put run's key flags reads back what the put run wrote. Counts the keys that came back.
 */
export async function runRange(o: RangeOptions, signal?: AbortSignal): Promise<WorkloadResult> {
  const client = o.transport === 'grpc' ? new GrpcBenchClient(o.endpoints, o.conns) : new GatewayClient(o.endpoints, o.conns);
  try {
    const keys = new KeySpace(o.keySpaceSize, o.keySize, o.sequentialKeys);
    const fixed =
      o.key === undefined
        ? undefined
        : { key: Buffer.from(o.key).toString('base64'), range_end: o.rangeEnd === undefined ? undefined : Buffer.from(o.rangeEnd).toString('base64') };
    const serializable = o.consistency === 's';
    let kvsReturned = 0;
    let emptyResponses = 0;
    const label = `range (${serializable ? 'serializable' : 'linearizable'})`;
    const { startedAt, recorder, elapsedMs } = await measure(label, { total: o.total, clients: o.clients, signal }, async (i, c) => {
      const body = fixed ?? { key: keys.keyBase64For(i) };
      const res = await client.post(c % o.endpoints.length, '/v3/kv/range', { ...body, serializable: serializable || undefined });
      const n = Array.isArray(res.kvs) ? res.kvs.length : 0;
      kvsReturned += n;
      if (n === 0) emptyResponses++;
    });
    return {
      workload: 'range',
      startedAt,
      main: { title: 'Range', recorder, elapsedMs },
      phases: [],
      stats: { consistency: serializable ? 'serializable' : 'linearizable', kvsReturned, emptyResponses },
    };
  } finally {
    await client.close();
  }
}
