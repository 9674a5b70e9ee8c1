import type { Command } from 'commander';
import type { Context } from '../context.js';
import { badArgs, Exit, ExitError } from '../exit.js';
import { int64Of, type GatewayAlarms, type GatewayStatus } from '../output/gateway.js';
import { printAlarms, printMoveLeader } from '../output/maintenance-printers.js';
import { NilPointerPanic } from '../output/printer.js';
import { callEndpoint, endpointsFromCluster, givenEndpoints, urlOf } from './endpoints.js';
import type { Register } from './kv.js';
import { BareExit, printingBareExits } from './process-exit.js';
import { NumError, parseInt64, parseUint64 } from './strconv.js';

const ALARM_DEACTIVATE = 'DEACTIVATE';

/** Prints alarms; the fields printer's nil-header panic is Go's: its text on stderr, exit 2. */
function showAlarms(ctx: Context, resp: GatewayAlarms): Promise<void> {
  return printingBareExits(ctx.io, async () => {
    try {
      ctx.io.out(printAlarms(ctx.format, resp));
    } catch (err) {
      if (err instanceof NilPointerPanic) throw new BareExit(err.exitCode, err.message);
      throw err;
    }
  });
}

async function alarmCall(ctx: Context, body: Record<string, unknown>): Promise<GatewayAlarms> {
  try {
    return await ctx.client.call('/v3/maintenance/alarm', body);
  } catch (err) {
    throw new ExitError(Exit.Error, (err as Error).message);
  }
}

/**
 * clientv3's AlarmDisarm with no member and no alarm type: list the alarms, disarm each,
 * and answer with what the disarms returned (no header of its own).
 */
async function disarmAll(ctx: Context): Promise<GatewayAlarms> {
  const listed = await alarmCall(ctx, { action: 'GET' });
  const alarms = [];
  for (const a of listed.alarms ?? []) {
    const resp = await alarmCall(ctx, { action: ALARM_DEACTIVATE, memberID: a.memberID, alarm: a.alarm });
    alarms.push(...(resp.alarms ?? []));
  }
  return alarms.length > 0 ? { alarms } : {};
}

/** move-leader: find the leader among --endpoints, then ask it to hand over to the target. */
async function moveLeader(ctx: Context, target: bigint): Promise<void> {
  const endpoints = givenEndpoints(ctx);
  for (const ep of endpoints) {
    let status: GatewayStatus;
    try {
      status = await callEndpoint<GatewayStatus>(ctx, ep, '/v3/maintenance/status', {});
    } catch (err) {
      throw new ExitError(Exit.Error, (err as Error).message);
    }
    const id = int64Of(status.header?.member_id);
    if (id !== int64Of(status.leader)) continue;
    let resp;
    try {
      resp = await ctx.client.call('/v3/maintenance/transfer-leadership', { targetID: target.toString() }, urlOf(ep));
    } catch (err) {
      throw new ExitError(Exit.Error, (err as Error).message);
    }
    ctx.io.out(printMoveLeader(ctx.format, id, target, resp));
    return;
  }
  throw badArgs(`no leader endpoint given at [${endpoints.join(' ')}]`);
}

export function registerMaintenance(program: Command, register: Register): void {
  register(program, 'move-leader', async (ctx, args) => {
    if (args.length !== 1) throw badArgs('move-leader command needs 1 argument');
    let target: bigint;
    try {
      target = parseUint64(args[0], 16);
    } catch (err) {
      if (err instanceof NumError) throw badArgs(err.message);
      throw err;
    }
    await moveLeader(ctx, target);
  }).description('Transfers leadership to another etcd cluster member.');

  register(program, 'defrag', async (ctx, _args, f) => {
    if (f.dataDir) {
      // etcd defragments a stopped member's bbolt file in place; our members keep LevelDB.
      ctx.io.err(`Failed to defragment etcd data[${f.dataDir}] (defragmenting a data directory offline is not supported by this etcdctl)\n`);
      throw new BareExit(Exit.Error, '');
    }
    let failures = 0;
    for (const ep of await endpointsFromCluster(ctx, f.cluster === true)) {
      try {
        await callEndpoint(ctx, ep, '/v3/maintenance/defragment', {});
        ctx.io.out(`Finished defragmenting etcd member[${ep}]\n`);
      } catch (err) {
        ctx.io.err(`Failed to defragment etcd member[${ep}] (${(err as Error).message})\n`);
        failures++;
      }
    }
    // os.Exit: the failures are already on stderr.
    if (failures !== 0) throw new BareExit(Exit.Error, '');
  })
    .description('Defragments the storage of the etcd members with given endpoints')
    .option('--cluster', 'use all endpoints from the cluster member list', false)
    .option('--data-dir <dir>', 'Optional. If present, defragments a data directory not in use by etcd.', '');

  const alarm = program.command('alarm').description('Alarm related commands');
  register(alarm, 'disarm', async (ctx, args) => {
    if (args.length !== 0) throw badArgs('alarm disarm command accepts no arguments');
    await showAlarms(ctx, await disarmAll(ctx));
  }).description('Disarms all alarms');
  register(alarm, 'list', async (ctx, args) => {
    if (args.length !== 0) throw badArgs('alarm list command accepts no arguments');
    await showAlarms(ctx, await alarmCall(ctx, { action: 'GET' }));
  }).description('Lists all alarms');

  register(program, 'compaction', async (ctx, args, f) => {
    if (args.length !== 1) throw badArgs('compaction command needs 1 argument');
    let rev: bigint;
    try {
      rev = parseInt64(args[0], 10);
    } catch (err) {
      if (err instanceof NumError) throw new ExitError(Exit.Error, err.message);
      throw err;
    }
    await ctx.client.call('/v3/kv/compaction', { revision: rev.toString(), physical: f.physical || undefined });
    ctx.io.out(`compacted revision ${rev}\n`);
  })
    .description('Compacts the event history in etcd')
    .option('--physical', "'true' to wait for compaction to physically remove all old revisions", false);
}
