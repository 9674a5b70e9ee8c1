import type { Command } from 'commander';
import type { Context } from '../context.js';
import { badArgs, Exit, ExitError } from '../exit.js';
import { fieldsTxn, jsonTxn, simpleTxn } from '../output/txn-printers.js';
import type { Register } from './kv.js';
import { LineReader } from './line-reader.js';
import { printingBareExits } from './process-exit.js';
import { trimSpace, textOf } from './go-text.js';
import { parseCompare, parseRequest, type Json } from './txn-grammar.js';

/**
 * etcdctl txn: three blank-line-terminated sections read from stdin — compares, then the
 * requests for success, then for failure — committed as one transaction.
 */
export function registerTxn(program: Command, register: Register): void {
  register(program, 'txn', (ctx, args, f) => printingBareExits(ctx.io, () => txn(ctx, args, f.interactive === true)))
    .description('Txn processes all the requests in one transaction')
    .option('-i, --interactive', 'Input transaction in interactive mode', false);
}

/** Reads the transaction, commits it and prints the response. */
async function txn(ctx: Context, args: string[], interactive: boolean): Promise<void> {
  if (args.length !== 0) throw badArgs('txn command does not accept argument');
  const prompt = (text: string) => {
    if (interactive) ctx.io.out(`${text}\n`);
  };
  const reader = new LineReader(ctx.io.stdin);
  const compare: Json[] = [];
  let success: Json[];
  let failure: Json[];
  try {
    prompt('compares:');
    await readSection(reader, (line) => {
      compare.push(parseCompare(line));
    });
    prompt('success requests (get, put, del):');
    success = await readOps(ctx, reader);
    prompt('failure requests (get, put, del):');
    failure = await readOps(ctx, reader);
  } finally {
    await reader.close();
  }

  // etcdctl commits without a deadline; ours is bounded by --command-timeout.
  const resp = await ctx.client.call('/v3/kv/txn', { compare, success, failure });
  switch (ctx.format) {
    case 'json':
      return ctx.io.out(jsonTxn(resp));
    case 'fields':
      return ctx.io.out(fieldsTxn(resp));
    case 'simple':
      return ctx.io.out(simpleTxn(resp, ctx.globals.hex));
    default:
      // The transaction has been committed by now: etcdctl only fails when printing.
      throw new ExitError(Exit.BadFeature, `${ctx.format} not supported as output format`);
  }
}

/** Hands each line of a section (trimmed) to `each`, up to its blank line; EOF before it fails the command. */
async function readSection(reader: LineReader, each: (line: string) => Promise<void> | void): Promise<void> {
  for (;;) {
    const raw = await reader.readLine();
    if (raw === undefined) throw new ExitError(Exit.InvalidInput, 'EOF');
    const line = trimSpace(raw);
    if (line.length === 0) return;
    await each(line);
  }
}

async function readOps(ctx: Context, reader: LineReader): Promise<Json[]> {
  const ops: Json[] = [];
  await readSection(reader, async (line) => {
    const r = parseRequest(line);
    switch (r.kind) {
      case 'op':
        ops.push(r.op);
        return;
      case 'usage':
        ctx.io.err(`${r.usage}\n`);
        throw new ExitError(Exit.InvalidInput, `invalid txn request: ${textOf(line)}`);
      case 'unknown':
        throw new ExitError(Exit.InvalidInput, `invalid txn request: ${textOf(line)}`);
      case 'help':
        ctx.io.out(r.stdout);
        ctx.io.err(r.stderr);
        return blockForever();
    }
  });
  return ops;
}

/**
 * After cobra prints help for a request line it never hands etcdctl 3.4 an op, and
 * etcdctl waits for one until it is killed. So do we: a timer keeps the process alive
 * and the default signal handlers end it.
 */
function blockForever(): Promise<never> {
  return new Promise<never>(() => {
    setInterval(() => undefined, 1 << 30);
  });
}
