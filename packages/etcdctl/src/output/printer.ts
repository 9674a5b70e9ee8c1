import type { OutputFormat } from '../context.js';
import { Exit, ExitError } from '../exit.js';
import type { GatewayHeader } from './gateway.js';

/**
 * etcdctl picks a printer by --write-out; a printer that does not define a response
 * ends the command with `<format> not supported as output format` (exit 4), after the
 * request has been made. One renderer per format the printer defines.
 */
export type Renderers = Partial<Record<OutputFormat, () => string>>;

export function render(format: OutputFormat, by: Renderers): string {
  const print = by[format];
  if (!print) throw notSupported(format);
  return print();
}

export const notSupported = (format: OutputFormat) => new ExitError(Exit.BadFeature, `${format} not supported as output format`);

/** Go's %x, %016x and %16x of an int64 or uint64 (the sign counts towards the width). */
export function goHex(value: bigint, width = 0, fill: '0' | ' ' = '0'): string {
  const sign = value < 0n ? '-' : '';
  const digits = (value < 0n ? -value : value).toString(16);
  return fill === '0' ? sign + digits.padStart(width - sign.length, '0') : (sign + digits).padStart(width, ' ');
}

/** fmt.Println of a []string: `[a b c]`. */
export const goList = (items: readonly string[]): string => `[${items.join(' ')}]`;

/**
 * The fields of a *pb.ResponseHeader embedded in a clientv3 response struct, as
 * encoding/json writes them: promoted to the outer object, zero values left out.
 */
export function embeddedHeaderJson(h: GatewayHeader | undefined): string[] {
  const parts: string[] = [];
  for (const name of ['cluster_id', 'member_id', 'revision', 'raft_term'] as const) {
    const v = h?.[name];
    if (v !== undefined && v !== '0') parts.push(`"${name}":${v}`);
  }
  return parts;
}

/** etcdctl dereferenced a nil pointer: Go prints this on stderr and exits 2. */
export class NilPointerPanic extends Error {
  readonly exitCode = 2 as Exit;
  constructor() {
    super('panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x0]\n\ngoroutine 1 [running]:\n');
    this.name = 'NilPointerPanic';
  }
}
