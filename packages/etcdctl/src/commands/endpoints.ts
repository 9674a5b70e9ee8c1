import { EtcdClientError } from '@flotilla/kvstore/client';
import type { Context } from '../context.js';
import { Exit, ExitError } from '../exit.js';
import type { GatewayMembers } from '../output/gateway.js';

/** The endpoints as the user spelled them (etcdctl prints them so: `127.0.0.1:2379` or `http://…`). */
export function givenEndpoints(ctx: Context): string[] {
  return ctx.globals.endpoints
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
}

/** An endpoint as a URL the client can dial. */
export const urlOf = (endpoint: string): string => (/^[a-z]+:\/\//.test(endpoint) ? endpoint.replace(/\/$/, '') : `http://${endpoint}`);

const RETRY_MS = 100;

/**
 * One request to one member, as clientv3 makes it for Status, HashKV, Defragment: a
 * member that cannot be reached (or is unavailable) is retried until --command-timeout,
 * which then fails with gRPC's "context deadline exceeded".
 */
export async function callEndpoint<Response extends object>(ctx: Context, endpoint: string, path: string, body: Record<string, unknown>): Promise<Response> {
  const deadline = Date.now() + (ctx.client.options.commandTimeoutMs ?? 5000);
  for (;;) {
    try {
      // The gateway's JSON, taken to be the response type the path answers with.
      return (await ctx.client.call(path, body, urlOf(endpoint))) as Response;
    } catch (err) {
      if (!(err instanceof EtcdClientError) || !err.retryable) throw err;
      if (Date.now() + RETRY_MS >= deadline) throw new EtcdClientError('context deadline exceeded', 4, 504);
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }
}

/**
 * The endpoints a command with --cluster works on: every client URL of every member, in
 * member-list order; without --cluster, the --endpoints as given.
 */
export async function endpointsFromCluster(ctx: Context, cluster: boolean): Promise<string[]> {
  if (!cluster) return givenEndpoints(ctx);
  let resp: GatewayMembers;
  try {
    resp = await ctx.client.call('/v3/cluster/member/list', {});
  } catch (err) {
    throw new ExitError(Exit.Error, `failed to fetch endpoints from etcd cluster member list: ${(err as Error).message}`);
  }
  return (resp.members ?? []).flatMap((m) => m.clientURLs ?? []);
}
