import { request, type ClientRequest, type IncomingMessage } from 'node:http';

type Json = Record<string, any>;

/**
 * A gateway streaming call held open from both ends, as a gRPC client holds a stream:
 * requests are written to the body one by one, `{"result": ...}` lines are collected.
 */
export class StreamCall {
  readonly results: Json[] = [];
  private buffer = '';
  private waiters: (() => void)[] = [];
  private response: IncomingMessage | undefined;
  private ended = false;
  private readonly req: ClientRequest;

  constructor(url: string, path: string) {
    this.req = request(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    this.req.on('error', () => undefined);
    this.req.on('response', (res) => {
      this.response = res;
      res.on('data', (chunk: Buffer) => {
        this.buffer += chunk.toString();
        let nl: number;
        while ((nl = this.buffer.indexOf('\n')) >= 0) {
          const line = JSON.parse(this.buffer.slice(0, nl)) as Json;
          this.buffer = this.buffer.slice(nl + 1);
          this.results.push(line.result ?? { error: line.error });
        }
        this.wake();
      });
      res.on('end', () => {
        this.ended = true;
        this.wake();
      });
    });
    this.req.flushHeaders();
  }

  send(message: Json): void {
    this.req.write(`${JSON.stringify(message)}\n`);
  }

  /** Ends the request body; the server may keep answering. */
  finish(): void {
    this.req.end();
  }

  /** Stops reading the response, so the server's socket buffer fills up. */
  pause(): void {
    this.response?.pause();
  }

  resume(): void {
    this.response?.resume();
  }

  get done(): boolean {
    return this.ended;
  }

  /** Waits until `predicate` holds for the collected results. */
  async until(predicate: (results: Json[]) => boolean, timeoutMs = 10_000): Promise<Json[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.results)) {
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(this.results).slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.results;
  }

  close(): void {
    this.req.destroy();
    this.response?.destroy();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** Every event of a watch, in arrival order. */
export const eventsOf = (results: Json[], watchId = 0): Json[] => results.filter((r) => Number(r.watch_id ?? 0) === watchId).flatMap((r) => r.events ?? []);
