import cliProgress from 'cli-progress';

/** Where a run reports how far it has got. `tick` is called once per finished request, so it only counts. */
export interface Progress {
  tick(n?: number): void;
  stop(): void;
}

/** How often the shown figure catches up with the count: a bar redraws often, a plain line once a second. */
const BAR_REFRESH_MS = 100;
const LINE_INTERVAL_MS = 1000;

/**
 * Shows progress on `stream` (stderr): a cli-progress bar on a terminal, and a plain
 * periodic line when stderr is a file or a pipe, where redrawing would only fill a log.
 */
export function startProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  let done = 0;
  const started = performance.now();
  const rate = () => Math.round(done / Math.max(0.001, (performance.now() - started) / 1000));

  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream, format: `${label} [{bar}] {percentage}% | {value}/{total} | {rate} req/s | ETA {eta_formatted}`, hideCursor: true, fps: 10 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { rate: 0 });
    const timer = setInterval(() => bar.update(done, { rate: rate() }), BAR_REFRESH_MS);
    timer.unref();
    return {
      tick: (n = 1) => void (done += n),
      stop: () => {
        clearInterval(timer);
        bar.update(done, { rate: rate() });
        bar.stop();
      },
    };
  }

  const line = () => stream.write(`${label}: ${done}/${total} (${Math.floor((100 * done) / Math.max(1, total))}%) ${rate()} req/s\n`);
  const timer = setInterval(line, LINE_INTERVAL_MS);
  timer.unref();
  return {
    tick: (n = 1) => void (done += n),
    stop: () => {
      clearInterval(timer);
      line();
    },
  };
}

/** Progress that shows nothing (used where a phase is too short to be worth a line). */
export const silentProgress: Progress = { tick: () => undefined, stop: () => undefined };
