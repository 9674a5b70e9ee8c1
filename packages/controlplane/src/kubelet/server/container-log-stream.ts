import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { parseLogLine } from '../runtime/cri-log.js';
import type { LogQuery } from './log-query.js';

/** How often a followed log file is read again for new lines. */
const FOLLOW_POLL_MS = 200;

/**
 * Writes a container's CRI log file to `out` as kubectl logs shows it: the text of each line
 * (prefixed by its RFC 3339 time with timestamps), lines before `since` left out, only the last
 * tailLines, at most limitBytes. With follow, keeps reading new lines until isLive() turns false
 * (the container stopped) or the signal aborts (the client went away).
 */
export async function streamContainerLog(path: string, query: LogQuery, out: Writable, isLive: () => boolean, signal: AbortSignal): Promise<void> {
  const file = await open(path, 'r');
  try {
    let offset = 0;
    let budget = query.limitBytes ?? Infinity;
    let first = true;
    for (;;) {
      const { size } = await file.stat();
      const chunk = Buffer.alloc(size - offset);
      if (chunk.length > 0) await file.read(chunk, 0, chunk.length, offset);
      const text = chunk.toString('utf8');
      // Only whole lines: a line still being written is read on the next round.
      const end = text.lastIndexOf('\n') + 1;
      offset += Buffer.byteLength(text.slice(0, end));
      let lines = text.slice(0, end).split('\n').slice(0, -1);
      if (first && query.tailLines !== undefined) lines = query.tailLines === 0 ? [] : lines.slice(-query.tailLines);
      first = false;
      for (const raw of lines) {
        const line = parseLogLine(raw);
        if (!line) continue;
        if (query.sinceMs !== undefined && Date.parse(line.time) < query.sinceMs) continue;
        let output = Buffer.from(query.timestamps ? `${line.time} ${line.text}\n` : `${line.text}\n`);
        if (output.length > budget) output = output.subarray(0, budget);
        budget -= output.length;
        if (!out.write(output)) await new Promise((resolve) => out.once('drain', resolve));
        if (budget <= 0) return;
      }
      if (!query.follow || signal.aborted) return;
      // A stopped container's file can still hold lines read on this round: stop after a round that found none.
      if (!isLive() && chunk.length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
      if (signal.aborted) return;
    }
  } finally {
    await file.close();
  }
}
