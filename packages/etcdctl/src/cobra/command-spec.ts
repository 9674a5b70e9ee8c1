/**
 * The shape of a cobra command as etcdctl declares it: what help prints and what the
 * flag parser needs. Data only; etcdctl-commands.ts holds etcdctl 3.4's tree.
 */

/** pflag value types that etcdctl's flags use; each parses and prints its own way. */
export type FlagType = 'bool' | 'string' | 'int' | 'int64' | 'duration' | 'stringSlice';

export interface FlagSpec {
  readonly name: string;
  readonly shorthand?: string;
  readonly type: FlagType;
  /** The default as pflag prints it (DefValue): `false`, `5s`, `[127.0.0.1:2379]`, `s`. */
  readonly defValue: string;
  readonly usage: string;
}

export interface CommandSpec {
  /** cobra's Use: the name, then the argument synopsis. */
  readonly use: string;
  readonly short: string;
  readonly long?: string;
  readonly flags?: readonly FlagSpec[];
  /** Flags this command hands down to its subcommands (cobra's PersistentFlags). */
  readonly persistentFlags?: readonly FlagSpec[];
  readonly subcommands?: readonly CommandSpec[];
  /** Has a Run function (groups such as `member` only print their help). */
  readonly runnable: boolean;
  readonly disableFlagsInUseLine?: boolean;
  /** cobra.NoArgs: positional arguments are an "unknown command" error. */
  readonly noArgs?: boolean;
}

export const boolFlag = (name: string, usage: string, defValue = false, shorthand?: string): FlagSpec => ({ name, shorthand, type: 'bool', defValue: String(defValue), usage });
export const stringFlag = (name: string, defValue: string, usage: string, shorthand?: string): FlagSpec => ({ name, shorthand, type: 'string', defValue, usage });
export const int64Flag = (name: string, defValue: number, usage: string): FlagSpec => ({ name, type: 'int64', defValue: String(defValue), usage });
export const intFlag = (name: string, defValue: number, usage: string): FlagSpec => ({ name, type: 'int', defValue: String(defValue), usage });
export const durationFlag = (name: string, defValue: string, usage: string): FlagSpec => ({ name, type: 'duration', defValue, usage });
export const stringSliceFlag = (name: string, defValue: readonly string[], usage: string): FlagSpec => ({ name, type: 'stringSlice', defValue: `[${defValue.join(',')}]`, usage });

/** A command with a Run function. */
export const leaf = (use: string, short: string, more: Partial<CommandSpec> = {}): CommandSpec => ({ use, short, runnable: true, ...more });
/** A command that only groups subcommands. */
export const group = (use: string, short: string, subcommands: readonly CommandSpec[], more: Partial<CommandSpec> = {}): CommandSpec => ({ use, short, runnable: false, subcommands, ...more });

/** The first word of Use. */
export const nameOf = (c: CommandSpec): string => c.use.split(' ')[0];
