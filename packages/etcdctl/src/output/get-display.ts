import type { Context } from '../context.js';
import { Exit, ExitError } from '../exit.js';
import { goJson } from './go-format.js';
import { fieldsGet, simpleGet, type Json } from './kv-printers.js';

/** etcdctl's display.Get for a range response in gateway JSON: simple, json or fields; table and protobuf are refused as etcdctl refuses them. */
export function displayGet(ctx: Context, resp: Json): void {
  switch (ctx.format) {
    case 'json':
      return ctx.io.out(`${goJson(resp)}\n`);
    case 'fields':
      return ctx.io.out(fieldsGet(resp));
    case 'table':
    case 'protobuf':
      throw new ExitError(Exit.BadFeature, `${ctx.format} is not supported as output format`);
    default:
      return ctx.io.out(simpleGet(resp, ctx.globals.hex, false));
  }
}
