/** etcdctl's exit codes (cobrautl). */
export const enum Exit {
  Success = 0,
  Error = 1,
  BadConnection = 2,
  InvalidInput = 3,
  BadFeature = 4,
  Interrupted = 5,
  IO = 6,
  BadArgs = 128,
}

/** Ends the command: `Error: <message>` on stderr and the exit code, as etcdctl's ExitWithError. */
export class ExitError extends Error {
  constructor(
    readonly code: Exit,
    message: string,
  ) {
    super(message);
    this.name = 'ExitError';
  }
}

export const badArgs = (message: string) => new ExitError(Exit.BadArgs, message);
