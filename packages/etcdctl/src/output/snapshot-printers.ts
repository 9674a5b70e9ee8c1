import type { OutputFormat } from '../context.js';
import { goHex, render } from './printer.js';
import { humanBytes, table } from './table.js';

/** clientv3/snapshot's Status of a snapshot file. */
export interface DbStatus {
  /** uint32 */
  readonly hash: number;
  readonly revision: number;
  readonly totalKey: number;
  readonly totalSize: number;
}

function row(s: DbStatus): string[] {
  return [goHex(BigInt(s.hash)), String(s.revision), String(s.totalKey), humanBytes(s.totalSize)];
}

export function printDbStatus(format: OutputFormat, s: DbStatus): string {
  return render(format, {
    simple: () => `${row(s).join(', ')}\n`,
    table: () => table(['hash', 'revision', 'total keys', 'total size'], [row(s)]),
    json: () => `{"hash":${s.hash},"revision":${s.revision},"totalKey":${s.totalKey},"totalSize":${s.totalSize}}\n`,
    fields: () => `"Hash" : ${s.hash}\n"Revision" : ${s.revision}\n"Keys" : ${s.totalKey}\n"Size" : ${s.totalSize}\n`,
  });
}
