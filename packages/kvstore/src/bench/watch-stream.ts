import { Client } from 'undici';
import { errorMessage } from './gateway-client.js';

/** What a watch stream reports, each with the `performance.now()` time it arrived. */
export interface WatchStreamHandlers {
  /** One watcher of the stream was created. */
  created(atMs: number): void;
  /** One watcher was refused or cancelled by the server, or the stream failed before creating it. */
  refused(message: string, atMs: number, watchers: number): void;
  /** Events arrived; each entry is the event's value (base64), undefined for a delete. */
  events(values: readonly (string | undefined)[], atMs: number): void;
  /** The stream ended without being closed by us. */
  broken(message: string, atMs: number): void;
}

interface WatchLine {
  result?: {
    created?: boolean;
    canceled?: boolean;
    cancel_reason?: string;
    events?: { kv?: { value?: string } }[];
  };
  error?: { message?: string } | string;
}

/**
 * One POST /v3/watch on its own connection carrying `watchers` create requests for the same
 * range. The body is sent whole: etcd 3.4's gateway (Go's HTTP/1 server) cannot read a
 * request body once it has started the response, so all creates go before the first answer.
 */
export class BenchWatchStream {
  private readonly client: Client;
  private readonly abort = new AbortController();
  private closing = false;
  private pendingCreates: number;
  /** Settles when the response ends, fails, or is closed by us. */
  readonly done: Promise<void>;

  constructor(
    endpoint: string,
    readonly watchers: number,
    range: { readonly key: string; readonly rangeEnd: string },
    private readonly handlers: WatchStreamHandlers,
  ) {
    this.client = new Client(endpoint, { headersTimeout: 30_000, bodyTimeout: 0 });
    this.pendingCreates = watchers;
    const create = JSON.stringify({ create_request: { key: range.key, range_end: range.rangeEnd } });
    this.done = this.run(`${create}\n`.repeat(watchers));
  }

  /** Ends the stream: the server cancels its watchers when the connection goes. */
  async close(): Promise<void> {
    this.closing = true;
    this.abort.abort();
    await this.done;
    await this.client.destroy();
  }

  private async run(body: string): Promise<void> {
    try {
      const res = await this.client.request({ path: '/v3/watch', method: 'POST', body, signal: this.abort.signal });
      if (res.statusCode !== 200) {
        const text = await res.body.text();
        this.refuseRest(messageOf(text) ?? `watch answered HTTP ${res.statusCode}`);
        return;
      }
      let buffered = '';
      for await (const chunk of res.body) {
        buffered += (chunk as Buffer).toString('utf8');
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (line.length > 0) this.handle(JSON.parse(line) as WatchLine);
        }
      }
      if (!this.closing) this.ended('watch stream ended by the server');
    } catch (err) {
      if (!this.closing) this.ended(`watch stream failed: ${errorMessage(err)}`);
    }
  }

  private handle(line: WatchLine): void {
    const now = performance.now();
    if (line.error !== undefined) {
      this.ended(typeof line.error === 'string' ? line.error : (line.error.message ?? 'watch stream error'));
      return;
    }
    const r = line.result ?? {};
    if (r.created) {
      this.pendingCreates--;
      // etcd answers a refused create with created and canceled both set.
      if (r.canceled) this.handlers.refused(r.cancel_reason || 'watch create canceled', now, 1);
      else this.handlers.created(now);
      return;
    }
    if (r.canceled) {
      this.handlers.broken(`watch canceled: ${r.cancel_reason || 'no reason given'}`, now);
      return;
    }
    if (r.events && r.events.length > 0) this.handlers.events(r.events.map((e) => e.kv?.value), now);
  }

  private ended(message: string): void {
    if (this.pendingCreates > 0) this.refuseRest(message);
    else this.handlers.broken(message, performance.now());
  }

  private refuseRest(message: string): void {
    const n = this.pendingCreates;
    this.pendingCreates = 0;
    if (n > 0) this.handlers.refused(message, performance.now(), n);
  }
}

function messageOf(text: string): string | undefined {
  try {
    const json = JSON.parse(text) as { message?: string; error?: string | { message?: string } };
    if (typeof json.message === 'string') return json.message;
    if (typeof json.error === 'string') return json.error;
    return json.error?.message;
  } catch {
    return undefined;
  }
}
