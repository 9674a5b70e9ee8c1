import type { Command } from 'commander';
import { badArgs, Exit, ExitError } from '../exit.js';
import { goJson } from '../output/go-format.js';
import { fieldsHeader, type Json } from '../output/kv-printers.js';
import { goDuration, humanBytes, table } from '../output/table.js';
import type { Register } from './kv.js';

const hex = (decimal: string | undefined) => BigInt(decimal ?? 0).toString(16);
const lease16 = (decimal: string | undefined) => BigInt(decimal ?? 0).toString(16).padStart(16, '0');
const hostOf = (endpoint: string) => endpoint.replace(/^https?:\/\//, '');

function memberRows(resp: Json): string[][] {
  return (resp.members ?? []).map((m: Json) => [hex(m.ID), m.name ? 'started' : 'unstarted', m.name ?? '', (m.peerURLs ?? []).join(','), (m.clientURLs ?? []).join(','), String(m.isLearner === true)]);
}

function statusRow(endpoint: string, s: Json): string[] {
  const id = s.header?.member_id;
  return [hostOf(endpoint), hex(id), s.version ?? '', humanBytes(Number(s.dbSize ?? 0)), String(s.leader !== undefined && s.leader === id), String(s.isLearner === true), String(s.raftTerm ?? 0), String(s.raftIndex ?? 0), String(s.raftAppliedIndex ?? 0), (s.errors ?? []).join(', ')];
}

const STATUS_HEADERS = ['endpoint', 'ID', 'version', 'db size', 'is leader', 'is learner', 'raft term', 'raft index', 'raft applied index', 'errors'];

export function registerCluster(program: Command, register: Register): void {
  const member = program.command('member').description('Membership related commands');
  register(member, 'list', async (ctx) => {
    const resp = await ctx.client.call('/v3/cluster/member/list', {});
    const rows = memberRows(resp);
    if (ctx.format === 'json') return ctx.io.out(`${goJson(resp)}\n`);
    if (ctx.format === 'table') return ctx.io.out(table(['ID', 'Status', 'Name', 'Peer Addrs', 'Client Addrs', 'Is Learner'], rows));
    if (ctx.format === 'fields') {
      const lines = (resp.members ?? []).map((m: Json) => `"ID" : ${m.ID ?? 0}\n"Name" : ${JSON.stringify(m.name ?? '')}\n${(m.peerURLs ?? []).map((u: string) => `"PeerURL" : ${JSON.stringify(u)}\n`).join('')}${(m.clientURLs ?? []).map((u: string) => `"ClientURL" : ${JSON.stringify(u)}\n`).join('')}"IsLearner" : ${m.isLearner === true}\n\n`);
      return ctx.io.out(fieldsHeader(resp.header) + lines.join(''));
    }
    ctx.io.out(rows.map((r) => `${r.join(', ')}\n`).join(''));
  }).description('Lists all members in the cluster');

  const endpoint = program.command('endpoint').description('Endpoint related commands');
  register(endpoint, 'status', async (ctx) => {
    const all = await Promise.all(ctx.endpoints.map(async (ep) => ({ ep, status: await ctx.client.call('/v3/maintenance/status', {}, ep) })));
    if (ctx.format === 'json') return ctx.io.out(`[${all.map((s) => `{"Endpoint":${JSON.stringify(hostOf(s.ep))},"Status":${goJson(s.status)}}`).join(',')}]\n`);
    const rows = all.map((s) => statusRow(s.ep, s.status));
    if (ctx.format === 'table') return ctx.io.out(table(STATUS_HEADERS, rows));
    ctx.io.out(rows.map((r) => `${r.join(', ')}\n`).join(''));
  }).description('Prints out the status of endpoints specified in `--endpoints` flag');

  register(endpoint, 'health', async (ctx) => {
    const results = await Promise.all(
      ctx.endpoints.map(async (ep) => {
        const start = performance.now();
        try {
          await ctx.client.call('/v3/kv/range', { key: Buffer.from('health').toString('base64') }, ep);
          return { ep: hostOf(ep), health: true, took: goDuration(performance.now() - start), error: '' };
        } catch (err) {
          return { ep: hostOf(ep), health: false, took: goDuration(performance.now() - start), error: (err as Error).message };
        }
      }),
    );
    if (ctx.format === 'table') ctx.io.out(table(['endpoint', 'health', 'took', 'error'], results.map((r) => [r.ep, String(r.health), r.took, r.error])));
    else if (ctx.format === 'json') ctx.io.out(`[${results.map((r) => `{"endpoint":${JSON.stringify(r.ep)},"health":${r.health},"took":${JSON.stringify(r.took)}${r.error ? `,"error":${JSON.stringify(r.error)}` : ''}}`).join(',')}]\n`);
    else {
      for (const r of results) {
        if (r.health) ctx.io.err(`${r.ep} is healthy: successfully committed proposal: took = ${r.took}\n`);
        else ctx.io.err(`${r.ep} is unhealthy: failed to commit proposal: ${r.error}\n`);
      }
    }
    if (results.some((r) => !r.health)) throw new ExitError(Exit.Error, 'unhealthy cluster');
  }).description('Checks the healthiness of endpoints specified in `--endpoints` flag');

  const lease = program.command('lease').description('Lease related commands');
  register(lease, 'grant', async (ctx, args) => {
    if (args.length !== 1) throw badArgs('lease grant command needs TTL argument');
    const ttl = Number(args[0]);
    if (!Number.isInteger(ttl)) throw badArgs(`bad TTL (strconv.ParseInt: parsing ${JSON.stringify(args[0])}: invalid syntax)`);
    const resp = await ctx.client.call('/v3/lease/grant', { TTL: String(ttl) });
    if (ctx.format === 'json') return ctx.io.out(`${goJson({ ...resp.header, ID: resp.ID, TTL: resp.TTL, Error: '' })}\n`);
    if (ctx.format === 'fields') return ctx.io.out(`${fieldsHeader(resp.header)}"ID" : ${resp.ID}\n"TTL" : ${resp.TTL}\n`);
    ctx.io.out(`lease ${lease16(resp.ID)} granted with TTL(${resp.TTL}s)\n`);
  }).description('Creates leases');
  register(lease, 'revoke', async (ctx, args) => {
    if (args.length !== 1) throw badArgs('lease revoke command needs 1 argument');
    await ctx.client.call('/v3/lease/revoke', { ID: BigInt(`0x${args[0]}`).toString() });
    ctx.io.out(`lease ${args[0]} revoked\n`);
  }).description('Revokes leases');
  register(lease, 'list', async (ctx) => {
    const resp = await ctx.client.call('/v3/lease/leases', {});
    const ids = (resp.leases ?? []).map((l: Json) => lease16(l.ID));
    ctx.io.out(`found ${ids.length} leases\n${ids.map((id: string) => `${id}\n`).join('')}`);
  }).description('List all active leases');

  register(program, 'compaction', async (ctx, args, f) => {
    if (args.length !== 1) throw badArgs('compaction command needs 1 argument');
    const rev = Number(args[0]);
    if (!Number.isInteger(rev)) throw badArgs(`strconv.ParseInt: parsing ${JSON.stringify(args[0])}: invalid syntax`);
    await ctx.client.call('/v3/kv/compaction', { revision: String(rev), physical: f.physical || undefined });
    ctx.io.out(`compacted revision ${rev}\n`);
  })
    .description('Compacts the event history in etcd')
    .option('--physical', "'true' to wait for compaction to physically remove all old revisions", false);
}
