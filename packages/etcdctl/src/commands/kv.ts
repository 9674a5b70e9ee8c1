import type { Command } from 'commander';
import { prefixEnd } from '@flotilla/kvstore/client';
import type { Context } from '../context.js';
import { badArgs, Exit, ExitError } from '../exit.js';
import { goJson } from '../output/go-format.js';
import { fieldsDel, fieldsGet, fieldsPut, simpleDel, simpleGet, simplePut, type Json } from '../output/kv-printers.js';
import { readStdin } from './stdin.js';

type Run = (ctx: Context, args: string[], flags: Record<string, any>) => Promise<void>;
export type Register = (program: Command, name: string, run: Run) => Command;

const b64 = (s: string | Uint8Array) => Buffer.from(s).toString('base64');
const utf8 = (s: string) => new TextEncoder().encode(s);

/** Prints a KV response in the chosen format; table is not defined for KV commands (etcdctl says so). */
function show(ctx: Context, resp: Json, simple: () => string, fields: () => string): void {
  switch (ctx.format) {
    case 'json':
      return ctx.io.out(`${goJson(resp)}\n`);
    case 'fields':
      return ctx.io.out(fields());
    case 'table':
    case 'protobuf':
      throw new ExitError(Exit.BadFeature, `${ctx.format} not supported as output format`);
    default:
      return ctx.io.out(simple());
  }
}

/** range_end for --prefix / --from-key, as etcdctl computes it. */
function rangeEnd(key: string, given: string | undefined, prefix: boolean, fromKey: boolean): string | undefined {
  if (prefix && fromKey) throw badArgs('`--prefix` and `--from-key` cannot be set at the same time, choose one');
  if (given !== undefined && (prefix || fromKey)) throw badArgs(`too many arguments, only accept one argument when \`--prefix\` or \`--from-key\` is set`);
  if (given !== undefined) return b64(given);
  if (prefix) return b64(key.length === 0 ? Uint8Array.of(0) : prefixEnd(utf8(key)));
  if (fromKey) return b64(Uint8Array.of(0));
  return undefined;
}

const SORT_TARGETS: Record<string, string> = { CREATE: 'CREATE', KEY: 'KEY', MODIFY: 'MOD', VALUE: 'VALUE', VERSION: 'VERSION' };

export function registerKv(program: Command, register: Register): void {
  register(program, 'put', async (ctx, args, f) => {
    let [key, value] = args;
    if (key === undefined || args.length > 2) throw badArgs('put command needs 1 argument and input from stdin or 2 arguments');
    if (!/^[0-9a-fA-F]+$/.test(f.lease)) throw badArgs(`bad lease ID (${f.lease}), expecting ID in Hex`);
    const lease = BigInt(`0x${f.lease}`);
    if (value === undefined && !f.ignoreValue) value = await readStdin(ctx.io.stdin);
    const resp = await ctx.client.call('/v3/kv/put', { key: b64(key), value: value === undefined ? undefined : b64(value), lease: lease === 0n ? undefined : lease.toString(), prev_kv: f.prevKv || undefined, ignore_value: f.ignoreValue || undefined, ignore_lease: f.ignoreLease || undefined });
    show(ctx, resp, () => simplePut(resp, ctx.globals.hex), () => fieldsPut(resp));
  })
    .description('Puts the given key into the store')
    .argument('[key]')
    .argument('[value]')
    .option('--lease <id>', 'lease ID (in hexadecimal) to attach to the key', '0')
    .option('--prev-kv', 'return the previous key-value pair before modification', false)
    .option('--ignore-value', 'updates the key using its current value', false)
    .option('--ignore-lease', 'updates the key using its current lease', false);

  register(program, 'get', async (ctx, args, f) => {
    const [key, end] = args;
    if (key === undefined || args.length > 2) throw badArgs('get command needs one argument as key and an optional argument as range_end');
    if (f.printValueOnly && ctx.format !== 'simple') throw badArgs('print-value-only is only for `--write-out=simple`');
    if (f.keysOnly && f.countOnly) throw badArgs('`--keys-only` and `--count-only` cannot be set at the same time, choose one');
    const order = f.order ? String(f.order).toUpperCase() : '';
    if (order && order !== 'ASCEND' && order !== 'DESCEND') throw new ExitError(Exit.BadFeature, `bad sort order ${f.order}`);
    const sortBy = f.sortBy ? SORT_TARGETS[String(f.sortBy).toUpperCase()] : undefined;
    if (f.sortBy && !sortBy) throw new ExitError(Exit.BadFeature, `bad sort target ${f.sortBy}`);
    if (f.consistency !== 'l' && f.consistency !== 's') throw new ExitError(Exit.BadFeature, `unknown consistency flag "${f.consistency}"`);
    const resp = await ctx.client.call('/v3/kv/range', {
      key: b64(key),
      range_end: rangeEnd(key, end, f.prefix, f.fromKey),
      limit: Number(f.limit) || undefined,
      revision: Number(f.rev) || undefined,
      sort_order: order || (sortBy ? 'ASCEND' : undefined),
      sort_target: sortBy,
      serializable: f.consistency === 's' || undefined,
      keys_only: f.keysOnly || undefined,
      count_only: f.countOnly || undefined,
    });
    show(ctx, resp, () => simpleGet(resp, ctx.globals.hex, f.printValueOnly), () => fieldsGet(resp));
  })
    .description('Gets the key or a range of keys')
    .argument('[key]')
    .argument('[range_end]')
    .option('--consistency <l|s>', 'Linearizable(l) or Serializable(s)', 'l')
    .option('--order <order>', 'Order of results; ASCEND or DESCEND (ASCEND by default)', '')
    .option('--sort-by <target>', 'Sort target; CREATE, KEY, MODIFY, VALUE, or VERSION', '')
    .option('--limit <n>', 'Maximum number of results', '0')
    .option('--prefix', 'Get keys with matching prefix', false)
    .option('--from-key', 'Get keys that are greater than or equal to the given key using byte compare', false)
    .option('--rev <rev>', 'Specify the kv revision', '0')
    .option('--keys-only', 'Get only the keys', false)
    .option('--count-only', 'Get only the count', false)
    .option('--print-value-only', 'Only write values when using the "simple" output format', false);

  register(program, 'del', async (ctx, args, f) => {
    const [key, end] = args;
    if (key === undefined || args.length > 2) throw badArgs('del command needs one argument as key and an optional argument as range_end');
    const resp = await ctx.client.call('/v3/kv/deleterange', { key: b64(key), range_end: rangeEnd(key, end, f.prefix, f.fromKey), prev_kv: f.prevKv || undefined });
    show(ctx, resp, () => simpleDel(resp, ctx.globals.hex), () => fieldsDel(resp));
  })
    .description('Removes the specified key or range of keys [key, range_end)')
    .argument('[key]')
    .argument('[range_end]')
    .option('--prefix', 'delete keys with matching prefix', false)
    .option('--prev-kv', 'return deleted key-value pairs', false)
    .option('--from-key', 'delete keys that are greater than or equal to the given key using byte compare', false);
}
