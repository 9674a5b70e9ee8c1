/**
 * How etcdctl 3.4 reads a watch's command line (parseWatchArgs and getWatchChan): the key
 * and range from the arguments or ETCDCTL_WATCH_KEY / ETCDCTL_WATCH_RANGE_END, and the
 * exec command after `--`, found by looking at the process's raw arguments. All strings
 * are byte strings (see go-text.ts). Pure.
 */
import { prefixEnd } from '@flotilla/kvstore/client';
import { badArgs } from '../exit.js';
import { parseFlags, type FlagSpec } from './flag-set.js';
import { bytesOf, byteString } from './go-text.js';

/** The watch options etcdctl keeps in its package variables. */
export interface WatchFlags {
  readonly rev: bigint;
  readonly prefix: boolean;
  readonly prevKv: boolean;
}

export interface WatchArgs {
  readonly watchArgs: string[];
  readonly execArgs: string[];
  /** Interactive lines carry their own flags. */
  readonly flags?: WatchFlags;
}

export const ERR_BAD_ARGS_NUM = 'bad number of arguments';
const ERR_CONFLICT_ENV = 'bad number of arguments (found conflicting environment key)';
const ERR_SEPARATOR = 'bad number of arguments (found separator --, but no commands)';

/** watch's flags as a line in interactive mode is parsed with them (cobra's help flag is not among them). */
const WATCH_FLAGS: readonly FlagSpec[] = [
  { name: 'interactive', short: 'i', kind: 'bool', fallback: 'false', usage: 'Interactive mode' },
  { name: 'prefix', kind: 'bool', fallback: 'false', usage: 'Watch on a prefix if prefix is set' },
  { name: 'rev', kind: 'int64', fallback: '0', usage: 'Revision to start watching' },
  { name: 'prev-kv', kind: 'bool', fallback: 'false', usage: 'get the previous key-value pair before the event happens' },
];

/**
 * parseWatchArgs. `osArgs` is the process's whole command line; `commandArgs` what cobra
 * left of the watch command's arguments (non-interactive: `--` removed; interactive: the
 * line's words, starting with "watch"). Throws etcdctl's bad-arguments errors (exit 128).
 */
export function parseWatchArgs(osArgs: readonly string[], commandArgs: readonly string[], envKey: string, envRange: string, interactive: boolean): WatchArgs {
  let rawArgs = [...osArgs];
  let watchArgs = [...commandArgs];
  const at = rawArgs.indexOf('watch');
  if (at >= 0) rawArgs = rawArgs.slice(at + 1);
  let flags: WatchFlags | undefined;

  if (interactive) {
    watchArgs = watchArgs.slice(1);
    const dash = watchArgs.indexOf('--');
    if (dash >= 0 && dash === watchArgs.length - 1) throw badArgs(ERR_SEPARATOR);
    const parsed = parseFlags(watchArgs, WATCH_FLAGS);
    if (!parsed.ok) throw badArgs(parsed.message);
    if (dash < 0 && envKey === '' && parsed.args.length < 1) throw badArgs(ERR_BAD_ARGS_NUM);
    if (dash < 0 && parsed.args.length > 0 && envKey !== '') throw badArgs(ERR_CONFLICT_ENV);
  } else {
    const execIdx = rawArgs.indexOf('--');
    const execExist = execIdx >= 0;
    if (execExist && execIdx === rawArgs.length - 1) throw badArgs(ERR_SEPARATOR);
    if (!execExist && rawArgs.length < 1 && envKey === '') throw badArgs(ERR_BAD_ARGS_NUM);
    if (execExist && envKey !== '') {
      // Match the arguments cobra kept against the raw ones from the end: one left over
      // before `--` is a key given on top of ETCDCTL_WATCH_KEY.
      let ridx = rawArgs.length - 1;
      for (let widx = watchArgs.length - 1; widx >= 0; widx--) {
        if (watchArgs[widx] === rawArgs[ridx]) {
          ridx--;
          continue;
        }
        if (ridx === execIdx) throw badArgs(ERR_CONFLICT_ENV);
      }
    }
    if (!execExist && watchArgs.length > 0 && envKey !== '') throw badArgs(ERR_CONFLICT_ENV);
  }

  const withSep = interactive ? watchArgs : rawArgs;
  const sep = withSep.indexOf('--');
  const execArgs = sep >= 0 ? withSep.slice(sep + 1) : [];

  if (interactive) {
    const parsed = parseFlags(withSep, WATCH_FLAGS);
    if (!parsed.ok) throw badArgs(parsed.message);
    watchArgs = parsed.args;
    flags = { rev: parsed.values.rev as bigint, prefix: parsed.values.prefix === true, prevKv: parsed.values['prev-kv'] === true };
  }

  if (envKey !== '') watchArgs = [envKey, ...(envRange !== '' ? [envRange] : []), ...watchArgs];
  if (sep < 0) return { watchArgs, execArgs: [], flags };

  // cobra's arguments hold the exec command too: cut at the last copy of its first word.
  const end = watchArgs.lastIndexOf(withSep[sep + 1]);
  return { watchArgs: watchArgs.slice(0, Math.max(end, 0)), execArgs, flags };
}

/**
 * getWatchChan: the gateway's WatchCreateRequest for the watch arguments and flags, or
 * the message etcdctl gives for them.
 */
export function watchCreate(args: readonly string[], flags: WatchFlags): Record<string, unknown> | string {
  if (args.length < 1) return ERR_BAD_ARGS_NUM;
  let key = args[0];
  let end: string | undefined;
  if (args.length === 2) {
    if (flags.prefix) return '`range_end` and `--prefix` are mutually exclusive';
    end = args[1];
  }
  if (flags.prefix) {
    if (key === '') [key, end] = ['\x00', '\x00'];
    else end = byteString(prefixEnd(bytesOf(key)));
  }
  const b64 = (s: string) => bytesOf(s).toString('base64');
  return {
    key: b64(key),
    range_end: end === undefined ? undefined : b64(end),
    start_revision: flags.rev === 0n ? undefined : flags.rev.toString(),
    prev_kv: flags.prevKv || undefined,
  };
}
