/**
 * SIGINT and SIGTERM as etcdctl's elect and lock catch them (signal.Notify): the first
 * one aborts `signal`; while the handler is installed the process does not die of them.
 */
export interface Interruption {
  readonly signal: AbortSignal;
  /** Gives the signals back their default handling. */
  dispose(): void;
}

export function catchInterrupts(): Interruption {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Resolves when `signal` fires. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}
