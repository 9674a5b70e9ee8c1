import type { Command } from 'commander';
import { EtcdClientError } from '@flotilla/kvstore/client';
import type { Context } from '../context.js';
import { badArgs, Exit, ExitError } from '../exit.js';
import type { GatewayLeaseKeepAlive, GatewayLeaseTtl } from '../output/gateway.js';
import { int64Of } from '../output/gateway.js';
import { printGrant, printKeepAlive, printKeepAliveEnd, printLeases, printRevoke, printTimeToLive } from '../output/lease-printers.js';
import { NumError, parseInt64 } from './strconv.js';
import type { Register } from './kv.js';

/** etcdctl's leaseFromArgs: a lease ID in hex, int64. */
function leaseFromArgs(arg: string): bigint {
  try {
    return parseInt64(arg, 16);
  } catch (err) {
    if (err instanceof NumError) throw badArgs(`bad lease ID arg (${err.message}), expecting ID in Hex`);
    throw err;
  }
}

/** clientv3 sends int64 IDs; the gateway wants their decimal text. */
const idText = (id: bigint) => BigInt.asIntN(64, id).toString();

/** The server's answer to one keep-alive; a TTL of 0 or less means the lease is gone. */
async function keepAliveOnce(ctx: Context, id: bigint): Promise<GatewayLeaseKeepAlive> {
  const r = await ctx.client.call('/v3/lease/keepalive', { ID: idText(id) });
  return (r.result ?? r) as GatewayLeaseKeepAlive;
}

/** clientv3 checks for due keep-alives every half second and sends one a third of the TTL after the last answer. */
const KEEPALIVE_TICK_MS = 500;
/** Until the first answer, clientv3 assumes a TTL of 5 s for its deadline. */
const DEFAULT_TTL_S = 5;

/**
 * `lease keep-alive` without --once: prints every answer until the lease is gone (an
 * answer with TTL ≤ 0) or no answer came for a whole TTL (clientv3's deadline), then,
 * in the simple format, says the lease expired. Runs until interrupted otherwise.
 */
async function keepAliveLoop(ctx: Context, id: bigint): Promise<void> {
  let deadline = Date.now() + DEFAULT_TTL_S * 1000;
  let next = Date.now();
  for (;;) {
    if (Date.now() >= next) {
      try {
        const resp = await keepAliveOnce(ctx, id);
        const ttl = Number(int64Of(resp.TTL));
        if (ttl <= 0) break;
        ctx.io.out(printKeepAlive(ctx.format, resp));
        next = Date.now() + (ttl * 1000) / 3;
        deadline = Date.now() + ttl * 1000;
      } catch (err) {
        // clientv3 retries a broken stream every half second until the deadline.
        if (!(err instanceof EtcdClientError)) throw err;
        next = Date.now() + KEEPALIVE_TICK_MS;
      }
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, Math.min(KEEPALIVE_TICK_MS, Math.max(0, next - Date.now()))));
  }
  ctx.io.out(printKeepAliveEnd(ctx.format, id));
}

export function registerLease(program: Command, register: Register): void {
  const lease = program.command('lease').description('Lease related commands');

  register(lease, 'grant', async (ctx, args) => {
    if (args.length !== 1) throw badArgs('lease grant command needs TTL argument');
    let ttl: bigint;
    try {
      ttl = parseInt64(args[0], 10);
    } catch (err) {
      if (err instanceof NumError) throw badArgs(`bad TTL (${err.message})`);
      throw err;
    }
    let resp;
    try {
      resp = await ctx.client.call('/v3/lease/grant', { TTL: ttl.toString() });
    } catch (err) {
      throw new ExitError(Exit.Error, `failed to grant lease (${(err as Error).message})`);
    }
    ctx.io.out(printGrant(ctx.format, resp));
  }).description('Creates leases');

  register(lease, 'revoke', async (ctx, args) => {
    if (args.length !== 1) throw badArgs('lease revoke command needs 1 argument');
    const id = leaseFromArgs(args[0]);
    let resp;
    try {
      resp = await ctx.client.call('/v3/lease/revoke', { ID: idText(id) });
    } catch (err) {
      throw new ExitError(Exit.Error, `failed to revoke lease (${(err as Error).message})`);
    }
    ctx.io.out(printRevoke(ctx.format, id, resp));
  }).description('Revokes leases');

  register(lease, 'timetolive', async (ctx, args, f) => {
    if (args.length !== 1) throw badArgs('lease timetolive command needs lease ID as argument');
    const id = leaseFromArgs(args[0]);
    let resp: GatewayLeaseTtl;
    try {
      resp = await ctx.client.call('/v3/lease/timetolive', { ID: idText(id), keys: f.keys === true || undefined });
    } catch (err) {
      throw new ExitError(Exit.BadConnection, (err as Error).message);
    }
    ctx.io.out(printTimeToLive(ctx.format, resp, f.keys === true));
  })
    .description('Get lease information')
    .option('--keys', 'Get keys attached to this lease', false);

  register(lease, 'list', async (ctx) => {
    let resp;
    try {
      resp = await ctx.client.call('/v3/lease/leases', {});
    } catch (err) {
      throw new ExitError(Exit.BadConnection, (err as Error).message);
    }
    ctx.io.out(printLeases(ctx.format, resp));
  }).description('List all active leases');

  register(lease, 'keep-alive', async (ctx, args, f) => {
    if (args.length !== 1) throw badArgs('lease keep-alive command needs lease ID as argument');
    const id = leaseFromArgs(args[0]);
    if (!f.once) return keepAliveLoop(ctx, id);
    let resp: GatewayLeaseKeepAlive;
    try {
      resp = await keepAliveOnce(ctx, id);
    } catch (err) {
      throw new ExitError(Exit.BadConnection, (err as Error).message);
    }
    // clientv3's KeepAliveOnce turns a gone lease into ErrLeaseNotFound.
    if (int64Of(resp.TTL) <= 0n) throw new ExitError(Exit.BadConnection, 'etcdserver: requested lease not found');
    ctx.io.out(printKeepAlive(ctx.format, resp));
  })
    .description('Keeps leases alive (renew)')
    .option('--once', 'Resets the keep-alive time to its original value and exits immediately', false);
}
