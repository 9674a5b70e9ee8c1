import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'undici';
import { EtcdError, GrpcCode } from '../../errors/index.js';
import type { Member } from '../../server/member.js';
import { readMessages } from './body-stream.js';
import { JsonFields, compact, i64 } from './json-fields.js';
import { header } from './kv-json.js';
import { StreamWriter } from './stream-writer.js';

/**
 * POST /v3/lease/keepalive: a stream of LeaseKeepAliveRequests, each answered in order
 * with the lease's TTL (0 for a lease that no longer exists, as etcd answers). Only the
 * leader tracks expiry, so a follower passes each request on to it. The response ends
 * once the client has finished sending and every request is answered. As with etcd 3.4's
 * gateway, a first request that cannot be decoded fails the call (500, Unknown), and a
 * later one ends the requests as if the client had finished.
 */
export function serveKeepAlive(member: Member, req: IncomingMessage, res: ServerResponse, binary: boolean, limit: number): void {
  const out = new StreamWriter(res, binary);
  let answered: Promise<void> = Promise.resolve();
  let failed = false;
  const fail = (err: unknown) => {
    if (failed) return;
    failed = true;
    out.error(err instanceof EtcdError ? err : new EtcdError('Timeout', `etcdserver: ${(err as Error).message}`));
  };
  readMessages(
    req,
    binary,
    limit,
    (value) => {
      const id = JsonFields.of(value).bigint('ID');
      answered = answered.then(async () => {
        if (failed) return;
        try {
          out.result(await keepAlive(member, id));
        } catch (err) {
          fail(err);
        }
      });
    },
    (err, first) => {
      if (first) fail(new EtcdError('BadRequest', err.message, GrpcCode.Unknown));
      else finish();
    },
  );
  const finish = () => void answered.then(() => !failed && res.end());
  req.on('end', finish);
}

/** One keep-alive, answered by the leader (a follower asks it over the gateway). */
export async function keepAlive(member: Member, id: bigint): Promise<Record<string, unknown>> {
  if (member.raft.isLeader) return compact({ header: header(member.header()), ID: i64(id), TTL: i64(member.leaseKeepAlive(id)) });
  const upstream = await request(`${member.leaderClientUrl()}/v3/lease/keepalive`, { method: 'POST', body: JSON.stringify({ ID: id.toString() }) });
  const text = await upstream.body.text();
  const line = JSON.parse(text.split('\n')[0] || '{}') as { result?: Record<string, unknown>; error?: string; message?: string; code?: number };
  if (!line.result) throw new EtcdError('NoLeader', line.message ?? line.error ?? 'etcdserver: no leader');
  return line.result;
}
