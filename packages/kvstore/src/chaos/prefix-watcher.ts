import { PassThrough } from 'node:stream';
import { Client } from 'undici';
import type { RecordedWatchEvent, WatchRecord } from './history.js';
import { sleep } from './kv-workload.js';

interface WatchLine {
  result?: {
    header?: { revision?: string };
    created?: boolean;
    canceled?: boolean;
    cancel_reason?: string;
    compact_revision?: string;
    events?: { type?: string; kv?: { key?: string; value?: string; mod_revision?: string } }[];
  };
  error?: unknown;
}

const utf8 = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');
/** Before opening the stream again elsewhere, so a cluster without a leader is not asked in a tight loop. */
const RESUME_DELAY_MS = 100;
/** A progress request unanswered this long means the stream is stuck (a paused or cut-off member): move on. */
const PROGRESS_PATIENCE_MS = 1500;

/**
 * One watcher on the workload's prefix for the whole run, over the gateway's streaming
 * POST /v3/watch. When the stream is lost it opens a new one on the next member from the revision
 * after the last event it saw, and records that resume. The request body stays open, so the
 * watcher can ask for progress at the end to learn the revision it has caught up with.
 */
export class PrefixWatcher {
  private readonly events: RecordedWatchEvent[] = [];
  private readonly resumes: { at: number; fromRevision: number }[] = [];
  private cancelled: WatchRecord['cancelledAt'];
  private synced: number | undefined;
  private next: number;
  private endpoint: number;
  private stopped = false;
  private stream: { client: Client; body: PassThrough; abort: AbortController } | undefined;
  private onProgress: ((revision: number) => void) | undefined;
  private readonly loop: Promise<void>;

  constructor(
    readonly id: number,
    private readonly endpoints: readonly string[],
    readonly prefix: string,
    readonly startRevision: number,
    private readonly now: () => number,
  ) {
    this.next = startRevision;
    this.endpoint = id % endpoints.length;
    this.loop = this.run();
  }

  /** The revision of the last event seen (startRevision - 1 before any). */
  get lastRevision(): number {
    return this.next - 1;
  }

  private async run(): Promise<void> {
    for (let first = true; !this.stopped && !this.cancelled; first = false) {
      if (!first) {
        await sleep(RESUME_DELAY_MS);
        if (this.stopped) return;
        this.endpoint = (this.endpoint + 1) % this.endpoints.length;
        this.resumes.push({ at: this.now(), fromRevision: this.next });
      }
      await this.openStream();
    }
  }

  private async openStream(): Promise<void> {
    const client = new Client(this.endpoints[this.endpoint], { connectTimeout: 1000, headersTimeout: 2000, bodyTimeout: 0 });
    const body = new PassThrough();
    const abort = new AbortController();
    this.stream = { client, body, abort };
    const end = Buffer.from(this.prefix, 'utf8');
    end[end.length - 1]++;
    body.write(JSON.stringify({ create_request: { key: Buffer.from(this.prefix).toString('base64'), range_end: end.toString('base64'), start_revision: String(this.next) } }) + '\n');
    try {
      const res = await client.request({ path: '/v3/watch', method: 'POST', body, signal: abort.signal });
      if (res.statusCode !== 200) {
        await res.body.text();
        return;
      }
      let buffered = '';
      for await (const chunk of res.body) {
        buffered += (chunk as Buffer).toString('utf8');
        for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (line && !this.handle(JSON.parse(line) as WatchLine)) return;
        }
      }
    } catch {
      // The member went away, or we moved on: the loop resumes elsewhere unless stopped.
    } finally {
      body.end();
      abort.abort();
      await client.destroy().catch(() => undefined);
      if (this.stream?.client === client) this.stream = undefined;
    }
  }

  /** Takes one line of the stream; false when the stream is over. */
  private handle(line: WatchLine): boolean {
    if (line.error !== undefined || !line.result) return false;
    const r = line.result;
    if (r.canceled) {
      const compactRevision = Number(r.compact_revision ?? 0);
      this.cancelled = { at: this.now(), reason: r.cancel_reason || 'canceled by the server', ...(compactRevision > 0 ? { compactRevision } : {}) };
      return false;
    }
    if (r.created) return true;
    const events = r.events ?? [];
    if (events.length === 0) {
      this.onProgress?.(Number(r.header?.revision ?? 0));
      return true;
    }
    const receivedAt = this.now();
    for (const e of events) {
      const modRevision = Number(e.kv?.mod_revision ?? 0);
      const type = e.type === 'DELETE' ? 'DELETE' : 'PUT';
      this.events.push({ type, key: utf8(e.kv?.key), ...(type === 'PUT' ? { value: utf8(e.kv?.value) } : {}), modRevision, receivedAt });
      this.next = Math.max(this.next, modRevision + 1);
    }
    return true;
  }

  /**
   * Asks the serving member for progress until it confirms this watcher has every event up to
   * `revision` (the store's revision at the final read). A stream that does not answer is given
   * up for the next member. Resolves with the confirmed revision, or undefined in `timeoutMs`.
   */
  async sync(revision: number, timeoutMs = 15_000): Promise<number | undefined> {
    const until = performance.now() + timeoutMs;
    while (!this.cancelled && performance.now() < until) {
      const stream = this.stream;
      if (!stream) {
        await sleep(50);
        continue;
      }
      const answered = new Promise<number>((resolve) => (this.onProgress = resolve));
      stream.body.write('{"progress_request":{}}\n');
      const got = await Promise.race([answered, sleep(PROGRESS_PATIENCE_MS).then(() => undefined)]);
      this.onProgress = undefined;
      if (got === undefined) stream.abort.abort();
      else if (got >= revision) return (this.synced = got);
      else await sleep(100);
    }
    return undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stream?.abort.abort();
    await this.loop;
  }

  record(): WatchRecord {
    return {
      watcher: this.id,
      prefix: this.prefix,
      startRevision: this.startRevision,
      events: [...this.events],
      resumes: [...this.resumes],
      ...(this.cancelled ? { cancelledAt: this.cancelled } : {}),
      ...(this.synced !== undefined ? { syncedRevision: this.synced } : {}),
    };
  }
}
