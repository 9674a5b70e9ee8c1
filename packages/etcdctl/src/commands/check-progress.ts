import cliProgress from 'cli-progress';
import { goDuration } from '../output/table.js';

/**
 * The progress bar etcdctl's check perf draws with cheggaaa/pb v1 (`pb.New(duration)`,
 * format "Bom !"), drawn here by cli-progress: on stdout, `\r` and the line every 200 ms,
 * ` 12 / 60 Boooom      !  20.00% 00m48s` (no bar when there is no terminal to size it),
 * and at the end the total time and a newline.
 */
export interface SecondsBar {
  /** One more second done. */
  tick(): void;
  /** Draws the final line (total time taken) and ends it with a newline. */
  finish(): void;
}

const REFRESH_FPS = 5;

export function startSecondsBar(total: number, write: (text: string) => void, width: number): SecondsBar {
  const started = Date.now();
  let current = 0;
  let changed = started;
  let finished = false;

  const line = () => {
    const counters = ` ${current} / ${total} `;
    const percent = ` ${((current / total) * 100).toFixed(2).padStart(6)}%`;
    const elapsed = Date.now() - started;
    let timeLeft = '';
    if (finished) timeLeft = ` ${goDuration(Math.floor(elapsed / 1000) * 1000)}`;
    else if (current > 0) {
      const perEntry = (changed - started) / current;
      const left = Math.trunc(((total - current) * perEntry - (Date.now() - changed)) / 1000);
      if (left > 0) timeLeft = ` ${String(Math.floor(left / 60)).padStart(2, '0')}m${String(left % 60).padStart(2, '0')}s`;
    }
    let bar = '';
    const size = width - [...`${counters}B!${percent}${timeLeft}`].length;
    if (size > 0) {
      const done = Math.min(size, Math.ceil((current / total) * size));
      const empty = Math.max(0, size - done);
      bar = `B${empty <= 0 ? 'o'.repeat(done) : done > 0 ? `${'o'.repeat(done - 1)}m` : ''}${' '.repeat(empty)}!`;
    }
    const out = `${counters}${bar}${percent}${timeLeft}`;
    return out + ' '.repeat(Math.max(0, width - [...out].length));
  };

  // cli-progress takes a `terminal` of its own; its typings do not list it.
  const options: cliProgress.Options & { terminal: PbTerminal } = { format: line, terminal: new PbTerminal(write, width), fps: REFRESH_FPS, forceRedraw: true, linewrap: true, gracefulExit: false };
  const bar = new cliProgress.SingleBar(options);
  bar.start(total, 0);
  return {
    tick: () => {
      current++;
      changed = Date.now();
      bar.update(current);
    },
    finish: () => {
      finished = true;
      bar.stop();
    },
  };
}

/**
 * A cli-progress terminal that behaves like pb v1 on a plain stream: each redraw is `\r`
 * and the padded line, no cursor codes, and a newline at the end.
 */
class PbTerminal {
  constructor(
    private readonly write_: (text: string) => void,
    private readonly width: number,
  ) {}

  cursorSave(): void {}
  cursorRestore(): void {}
  cursor(): void {}
  cursorRelative(): void {}
  cursorRelativeReset(): void {}
  clearRight(): void {}
  clearLine(): void {}
  clearBottom(): void {}
  lineWrapping(): void {}

  cursorTo(x: number | null): void {
    if (x === 0) this.write_('\r');
  }

  write(text: string): void {
    this.write_(text);
  }

  newline(): void {
    this.write_('\n');
  }

  /** cli-progress schedules redraws at its fps only for a terminal. */
  isTTY(): boolean {
    return true;
  }

  getWidth(): number {
    return this.width;
  }
}
