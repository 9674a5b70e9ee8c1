import { Pool } from 'undici';

/** How long one request may take before it counts as an error (etcd's benchmark has no limit; a hung run helps no one). */
const REQUEST_TIMEOUT_MS = 30_000;

/** A non-200 answer from the gateway, with etcd's message and gRPC code (`{"error","message","code"}`). */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(
    message: string,
    readonly code: number | undefined,
    readonly httpStatus: number,
  ) {
    super(message);
  }
}

/** The body of a gateway answer: JSON with int64s as strings and bytes as base64. */
export type GatewayJson = Record<string, unknown>;

/**
 * POSTs JSON to etcd gateways: one undici Pool per endpoint with --conns connections,
 * so a benchmark's clients share connections the way etcd's share gRPC connections.
 */
export class GatewayClient {
  private readonly pools: Pool[];

  constructor(
    readonly endpoints: readonly string[],
    conns: number,
  ) {
    this.pools = endpoints.map((e) => new Pool(e, { connections: conns, pipelining: 1, headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS }));
  }

  /** POSTs `body` to `path` on endpoint `index`; rejects with GatewayError on a non-200 answer. */
  async post(index: number, path: string, body: GatewayJson, signal?: AbortSignal): Promise<GatewayJson> {
    const res = await this.pools[index].request({
      path,
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
      signal,
    });
    const text = await res.body.text();
    let json: GatewayJson = {};
    if (text.length > 0) {
      try {
        json = JSON.parse(text) as GatewayJson;
      } catch {
        throw new GatewayError(`${path} answered HTTP ${res.statusCode} with a body that is not JSON: ${text.slice(0, 80)}`, undefined, res.statusCode);
      }
    }
    if (res.statusCode !== 200) {
      const message = typeof json.message === 'string' ? json.message : typeof json.error === 'string' ? json.error : `HTTP ${res.statusCode}`;
      throw new GatewayError(message, typeof json.code === 'number' ? json.code : undefined, res.statusCode);
    }
    return json;
  }

  async close(): Promise<void> {
    await Promise.all(this.pools.map((p) => p.close()));
  }
}

/** What a workload needs of a client, over the gateway or over gRPC. */
export type BenchClient = Pick<GatewayClient, 'endpoints' | 'post' | 'close'>;

/**
 * The index of the endpoint whose member leads, found as etcd's benchmark finds it: the one
 * whose /v3/maintenance/status names itself as leader. Throws if no endpoint leads.
 */
export async function findLeaderEndpoint(client: BenchClient): Promise<number> {
  const failures: string[] = [];
  for (let i = 0; i < client.endpoints.length; i++) {
    try {
      const status = await client.post(i, '/v3/maintenance/status', {});
      const header = status.header as { member_id?: string } | undefined;
      // uint64 IDs travel as decimal strings: compare them as strings, never as numbers.
      if (typeof status.leader === 'string' && status.leader === header?.member_id) return i;
    } catch (err) {
      failures.push(`${client.endpoints[i]}: ${errorMessage(err)}`);
    }
  }
  const why = failures.length > 0 ? ` (${failures.join('; ')})` : '';
  throw new Error(`--target-leader: none of ${client.endpoints.join(', ')} is the leader${why}`);
}

/** The message a failed request is counted under in the error distribution. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
