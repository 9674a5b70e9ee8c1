/**
 * The life cycle a component's main shares: SIGTERM/SIGINT abort the returned signal once (a second
 * one exits at once), so main stops its loops, closes its server and exits 0.
 */
export function stopSignal(): AbortSignal {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(1);
    controller.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return controller.signal;
}
