import type { Io } from '../context.js';
import { type Exit, ExitError } from '../exit.js';

/**
 * Where etcdctl 3.4 leaves without ExitWithError: it writes `stderr` itself (no "Error: "
 * prefix) and calls os.Exit(code) — as when a watch's exec command fails. The message is
 * empty, so the reporter adds nothing; `printingBareExits` writes `stderr`.
 */
export class BareExit extends ExitError {
  constructor(
    code: Exit,
    readonly stderr: string,
  ) {
    super(code, '');
    this.name = 'BareExit';
  }
}

/** Go's exit status after an unrecovered panic. */
const PANIC_EXIT = 2 as Exit;

/**
 * A Go runtime panic: etcdctl 3.4 crashes on some inputs (a compare with an unknown
 * operator, any lease compare, a short single-quoted token) with `panic: <value>` and a
 * goroutine dump on stderr (we print its first lines), and exit status 2.
 */
export class GoPanic extends BareExit {
  constructor(readonly value: string) {
    super(PANIC_EXIT, `panic: ${value}\n\ngoroutine 1 [running]:\n`);
    this.name = 'GoPanic';
  }
}

/** Runs a command's body; a BareExit leaving it has its text written to stderr first. */
export async function printingBareExits<T>(io: Io, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof BareExit) io.err(err.stderr);
    throw err;
  }
}
