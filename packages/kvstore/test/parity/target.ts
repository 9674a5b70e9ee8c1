import { request as httpRequest, type ClientRequest } from 'node:http';
import { gw } from '../cluster/process-cluster.js';

/** A plain JSON value: what a case returns and what its known answer is written as. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One unary gateway answer, before normalisation. */
export interface Reply {
  readonly status: number;
  readonly body: Record<string, any>;
}

/**
 * One streaming gateway call (POST /v3/watch). The request body is sent whole and ended,
 * as `curl -d` does; the response lines are collected until the case has what it waits for.
 */
export interface WatchCall {
  /** Every line so far, parsed: `{"result":…}`, `{"error":…}` or a unary error body. */
  readonly lines: readonly Record<string, any>[];
  /** HTTP status of the response, 0 until the headers arrive. */
  readonly status: number;
  /** Resolves once `enough(lines)` holds, the response ends, or `timeoutMs` passes; never rejects. */
  until(enough: (lines: readonly Record<string, any>[]) => boolean, timeoutMs?: number): Promise<readonly Record<string, any>[]>;
  close(): void;
}

/** A cluster under test: its client URLs and the two ways the cases talk to it. */
export interface Target {
  readonly name: string;
  readonly urls: readonly string[];
  /** POSTs `body` (a JSON value, or a raw string sent as is) to `path` on member `member`. */
  call(path: string, body: unknown, member?: number): Promise<Reply>;
  /** Opens POST /v3/watch on member `member` with `body` (a JSON value or a raw string). */
  watch(body: unknown, member?: number): WatchCall;
}

export function targetOf(name: string, urls: readonly string[]): Target {
  const urlOf = (member: number) => {
    const url = urls[member];
    if (!url) throw new Error(`${name} has no member ${member}`);
    return url;
  };
  return {
    name,
    urls,
    call: (path, body, member = 0) => gw(urlOf(member), path, body),
    watch: (body, member = 0) => new LineStream(`${urlOf(member)}/v3/watch`, typeof body === 'string' ? body : JSON.stringify(body)),
  };
}

class LineStream implements WatchCall {
  readonly lines: Record<string, any>[] = [];
  status = 0;
  private buffer = '';
  private ended = false;
  private wake: (() => void) | undefined;
  private readonly req: ClientRequest;

  constructor(url: string, body: string) {
    this.req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json' } });
    this.req.on('error', (err) => this.end(`request failed: ${err.message}`));
    this.req.on('response', (res) => {
      this.status = res.statusCode ?? 0;
      res.on('data', (chunk: Buffer) => {
        this.buffer += chunk.toString();
        let nl: number;
        while ((nl = this.buffer.indexOf('\n')) >= 0) {
          this.push(this.buffer.slice(0, nl));
          this.buffer = this.buffer.slice(nl + 1);
        }
        this.wake?.();
      });
      res.on('end', () => this.end());
      res.on('error', () => this.end());
    });
    this.req.end(body);
  }

  async until(enough: (lines: readonly Record<string, any>[]) => boolean, timeoutMs = 3_000): Promise<readonly Record<string, any>[]> {
    const deadline = Date.now() + timeoutMs;
    while (!enough(this.lines) && !this.ended && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    return this.lines;
  }

  close(): void {
    this.ended = true;
    this.req.destroy();
  }

  private push(line: string): void {
    if (line.trim() === '') return;
    try {
      this.lines.push(JSON.parse(line) as Record<string, any>);
    } catch {
      this.lines.push({ unparsable: line });
    }
  }

  /** A body without a final newline (a unary error body) is still one line. */
  private end(failure?: string): void {
    if (this.ended) return;
    this.push(this.buffer);
    this.buffer = '';
    if (failure) this.lines.push({ transport: failure });
    this.ended = true;
    this.wake?.();
  }
}
