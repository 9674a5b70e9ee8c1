import { GatewayClient, type GatewayJson } from '../bench/gateway-client.js';
import type { KvOperation, KvResult } from './history.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const utf8 = (s: unknown) => Buffer.from(typeof s === 'string' ? s : '', 'base64').toString('utf8');
/** proto3 JSON leaves out zeros and false, and sends int64 as strings. */
const int = (v: unknown) => Number(v ?? 0);
const revisionOf = (r: GatewayJson) => int((r.header as GatewayJson | undefined)?.revision);

/**
 * Sends the workload's operations to one member each, in one attempt with a deadline: a retry on
 * another member could apply a write twice or turn a compare-and-swap that took effect into one
 * that "failed", so retrying is the workload's choice, as a new operation.
 */
export class KvOperations {
  private readonly client: GatewayClient;

  constructor(
    readonly endpoints: readonly string[],
    connectionsPerEndpoint: number,
    private readonly timeoutMs: number,
  ) {
    this.client = new GatewayClient(endpoints, connectionsPerEndpoint);
  }

  async send(endpoint: number, op: KvOperation): Promise<KvResult> {
    const post = (path: string, body: GatewayJson) => this.client.post(endpoint, path, body, AbortSignal.timeout(this.timeoutMs));
    switch (op.type) {
      case 'put': {
        const r = await post('/v3/kv/put', { key: b64(op.key), value: b64(op.value), lease: op.lease });
        return { type: 'put', revision: revisionOf(r) };
      }
      case 'get': {
        const r = await post('/v3/kv/range', { key: b64(op.key), serializable: op.serializable || undefined });
        const kv = (r.kvs as GatewayJson[] | undefined)?.[0];
        return { type: 'get', value: kv ? utf8(kv.value) : null, modRevision: int(kv?.mod_revision), revision: revisionOf(r) };
      }
      case 'delete': {
        const r = await post('/v3/kv/deleterange', { key: b64(op.key) });
        return { type: 'delete', deleted: int(r.deleted), revision: revisionOf(r) };
      }
      case 'cas': {
        // "absent" is etcd's create_revision = 0; proto3 JSON may leave the zero out, so it is sent as "0".
        const compare =
          op.expected === null
            ? { key: b64(op.key), target: 'CREATE', result: 'EQUAL', create_revision: '0' }
            : { key: b64(op.key), target: 'VALUE', result: 'EQUAL', value: b64(op.expected) };
        const r = await post('/v3/kv/txn', { compare: [compare], success: [{ request_put: { key: b64(op.key), value: b64(op.value) } }] });
        return { type: 'cas', succeeded: r.succeeded === true, revision: revisionOf(r) };
      }
    }
  }

  /** Every key under `prefix` with its value and mod revision, read linearizably from `endpoint`. */
  async readPrefix(endpoint: number, prefix: string): Promise<{ revision: number; kvs: { key: string; value: string; modRevision: number }[] }> {
    const end = Buffer.from(prefix, 'utf8');
    end[end.length - 1]++;
    const r = await this.client.post(endpoint, '/v3/kv/range', { key: b64(prefix), range_end: end.toString('base64') }, AbortSignal.timeout(this.timeoutMs));
    const kvs = ((r.kvs as GatewayJson[] | undefined) ?? []).map((kv) => ({ key: utf8(kv.key), value: utf8(kv.value), modRevision: int(kv.mod_revision) }));
    return { revision: revisionOf(r), kvs };
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
