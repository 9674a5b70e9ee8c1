import type { Readable } from 'node:stream';
import type { WriteStream } from 'node:fs';

/**
 * Container logs in the CRI format the kubelet reads back: one line per output line,
 * `<RFC 3339 nano time> <stdout|stderr> F <text>`, so `kubectl logs --timestamps` and
 * `--since` can be answered after the fact.
 */
export function formatLogLine(at: Date, stream: 'stdout' | 'stderr', text: string): string {
  return `${at.toISOString()} ${stream} F ${text}\n`;
}

export interface LogLine {
  readonly time: string;
  readonly stream: string;
  readonly text: string;
}

/** Parses one CRI log line (without its newline); undefined for a line not in the format. */
export function parseLogLine(line: string): LogLine | undefined {
  const m = /^(\S+) (stdout|stderr) [FP] (.*)$/s.exec(line);
  return m ? { time: m[1], stream: m[2], text: m[3] } : undefined;
}

/** Copies a child's stream into the log file line by line; resolves when the stream has ended. */
export function pipeLines(source: Readable, stream: 'stdout' | 'stderr', sink: WriteStream): Promise<void> {
  return new Promise((resolve) => {
    let pending = '';
    // Output arriving after the log was closed (a descendant that outlived the container) is dropped.
    const write = (text: string) => {
      if (!sink.writableEnded) sink.write(formatLogLine(new Date(), stream, text));
    };
    source.setEncoding('utf8');
    source.on('data', (chunk: string) => {
      pending += chunk;
      let newline;
      while ((newline = pending.indexOf('\n')) >= 0) {
        write(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
      }
    });
    const finish = () => {
      if (pending) write(pending);
      pending = '';
      resolve();
    };
    source.once('end', finish);
    source.once('error', finish);
  });
}
