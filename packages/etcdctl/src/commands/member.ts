import type { Command } from 'commander';
import type { Context } from '../context.js';
import { badArgs, Exit, ExitError } from '../exit.js';
import { int64Of, type GatewayMembers } from '../output/gateway.js';
import { newMemberEnvironment, printMemberChange, printMemberList } from '../output/member-printers.js';
import type { Register } from './kv.js';
import { newUrls, UrlError } from './peer-urls.js';
import { NumError, parseUint64 } from './strconv.js';

/** A member ID argument: uint64 in hex. */
function memberIdFromArgs(args: readonly string[]): bigint {
  if (args.length !== 1) throw badArgs('member ID is not provided');
  try {
    return parseUint64(args[0], 16);
  } catch (err) {
    if (err instanceof NumError) throw badArgs(`bad member ID arg (${err.message}), expecting ID in Hex`);
    throw err;
  }
}

/** The --peer-urls list, checked as clientv3 checks it before sending (a bad URL is exit 1, not a usage error). */
function peerUrls(flag: string): string[] {
  const urls = flag.split(',');
  try {
    newUrls(urls);
  } catch (err) {
    if (err instanceof UrlError) throw new ExitError(Exit.Error, err.message);
    throw err;
  }
  return urls;
}

/** Sends a member change; any failure the server reports is etcdctl's exit 1. */
async function change(ctx: Context, path: string, body: Record<string, unknown>): Promise<GatewayMembers> {
  try {
    return await ctx.client.call(path, body);
  } catch (err) {
    throw new ExitError(Exit.Error, (err as Error).message);
  }
}

export function registerMember(program: Command, register: Register): void {
  const member = program.command('member').description('Membership related commands');

  register(member, 'add', async (ctx, args, f) => {
    if (args.length < 1) throw badArgs('member name not provided');
    if (args.length > 1) {
      const hints = args.filter((a) => a.toLowerCase().startsWith('http')).map((a) => `, did you mean --peer-urls=${a}`);
      throw badArgs(`too many arguments${hints.join('')}`);
    }
    const name = args[0];
    const flag = String(f.peerUrls ?? '');
    if (flag.length === 0) throw badArgs('member peer urls not provided');
    const resp = await change(ctx, '/v3/cluster/member/add', { peerURLs: peerUrls(flag), isLearner: f.learner === true || undefined });
    const added = resp.member ?? {};
    ctx.io.out(printMemberChange(ctx.format, 'added to', int64Of(added.ID), resp));
    if (ctx.format === 'simple') ctx.io.out(newMemberEnvironment(name, flag, added, resp.members ?? []));
  })
    .description('Adds a member into the cluster')
    .option('--peer-urls <urls>', 'comma separated peer URLs for the new member.', '')
    .option('--learner', 'indicates if the new member is raft learner', false);

  register(member, 'remove', async (ctx, args) => {
    const id = memberIdFromArgs(args);
    const resp = await change(ctx, '/v3/cluster/member/remove', { ID: id.toString() });
    ctx.io.out(printMemberChange(ctx.format, 'removed from', id, resp));
  }).description('Removes a member from the cluster');

  register(member, 'update', async (ctx, args, f) => {
    const id = memberIdFromArgs(args);
    const flag = String(f.peerUrls ?? '');
    if (flag.length === 0) throw badArgs('member peer urls not provided');
    const resp = await change(ctx, '/v3/cluster/member/update', { ID: id.toString(), peerURLs: peerUrls(flag) });
    ctx.io.out(printMemberChange(ctx.format, 'updated in', id, resp));
  })
    .description('Updates a member in the cluster')
    .option('--peer-urls <urls>', 'comma separated peer URLs for the updated member.', '');

  register(member, 'list', async (ctx) => {
    const resp = await change(ctx, '/v3/cluster/member/list', {});
    ctx.io.out(printMemberList(ctx.format, resp));
  }).description('Lists all members in the cluster');

  register(member, 'promote', async (ctx, args) => {
    const id = memberIdFromArgs(args);
    const resp = await change(ctx, '/v3/cluster/member/promote', { ID: id.toString() });
    ctx.io.out(printMemberChange(ctx.format, 'promoted in', id, resp));
  }).description('Promotes a non-voting member in the cluster');
}
