/** Go's context.Canceled: what a recipe fails with when it is interrupted while waiting. */
export class ContextCanceled extends Error {
  constructor() {
    super('context canceled');
    this.name = 'ContextCanceled';
  }
}

/** Throws ContextCanceled if `signal` has fired. */
export function throwIfCanceled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ContextCanceled();
}
