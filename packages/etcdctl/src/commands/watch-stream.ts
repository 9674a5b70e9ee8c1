/**
 * clientv3's watch stream over etcd's JSON gateway: one POST /v3/watch carrying the
 * watchers' create requests (one at a time, each waiting for its `created`) and progress
 * requests, its response lines dispatched to the watchers by watch ID.
 *
 * It hands each watcher exactly what clientv3 hands etcdctl: no `created` response; a
 * cancel without compaction just closes the watcher; progress notifications for ID -1 go
 * to every watcher. If the connection breaks, the watchers are created again on the next
 * endpoint from the revision clientv3 would resume at.
 *
 * KvClient.watch cannot be used here: it hides the responses' headers, progress
 * notifications and cancel reasons that etcdctl prints, and carries one watcher a stream.
 */
import http from 'node:http';
import https from 'node:https';
import { isProgressNotify, watchError, watchResult, type WatchResult } from '../output/watch-printers.js';

/** A gateway message, as parsed from its JSON. */
type Json = Record<string, any>;

/** Where one watcher's responses go: what etcdctl's watch channel would deliver, then its close. */
export interface WatchSink {
  deliver(response: WatchResult): void;
  closed(): void;
}

interface Watcher {
  /** The WatchCreateRequest; start_revision moves on when the watcher is created again. */
  readonly create: Record<string, unknown>;
  readonly sink: WatchSink;
  /** The server's ID for it on the current connection; undefined until `created`. */
  id?: number;
  /** clientv3's resume point (initReq.rev): 0 until the watch has seen a revision. */
  nextRev: number;
}

const RECONNECT_MS = 100;

export class WatchStream {
  private readonly watchers: Watcher[] = [];
  /** Watchers whose create request awaits `created`; the head's has been sent. */
  private creating: Watcher[] = [];
  private request: http.ClientRequest | undefined;
  private endpoint = 0;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  /**
   * `keepOpen` leaves the request body open for later watchers and progress requests.
   * Without it the body ends after the first create request: etcd's own gateway only
   * starts answering once the body is complete, so a single watch must not keep it open.
   */
  constructor(
    private readonly endpoints: readonly string[],
    private readonly keepOpen: boolean,
  ) {}

  /** Adds a watcher: `create` is the gateway's WatchCreateRequest (bytes in base64). */
  watch(create: Readonly<Record<string, unknown>>, sink: WatchSink): void {
    const w: Watcher = { create: { ...create }, sink, nextRev: Number(create.start_revision ?? 0) };
    this.watchers.push(w);
    this.creating.push(w);
    if (!this.request) this.connect();
    else if (this.creating.length === 1) this.send({ create_request: create });
  }

  /** Asks the server for a progress notification, which every watcher gets. */
  requestProgress(): void {
    if (!this.request) this.connect();
    this.send({ progress_request: {} });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    this.request?.destroy();
    this.request = undefined;
  }

  private connect(): void {
    if (this.closed) return;
    const url = new URL('/v3/watch', this.endpoints[this.endpoint % this.endpoints.length]);
    const req = (url.protocol === 'https:' ? https : http).request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } });
    this.request = req;
    req.on('error', () => this.broken(req));
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        res.on('end', () => this.broken(req));
        return;
      }
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (line && req === this.request) this.receive(JSON.parse(line) as Json);
        }
      });
      res.on('close', () => this.broken(req));
    });
    const head = this.creating[0];
    if (head) this.send({ create_request: head.create });
    else req.flushHeaders();
  }

  private send(message: Json): void {
    const req = this.request;
    if (!req || req.writableEnded) return;
    req.write(`${JSON.stringify(message)}\n`);
    if (!this.keepOpen) req.end();
  }

  private receive(line: Json): void {
    if (line.error) {
      // Unavailable: clientv3 opens a new stream; anything else ends every watcher.
      if (line.error.grpc_code === 14) this.request?.destroy();
      else this.halt(String(line.error.message ?? line.error));
      return;
    }
    const result: Json | undefined = line.result;
    if (!result) return;
    const response = watchResult(result);
    const id = Number(result.watch_id ?? 0);
    if (result.created) {
      // A creation the server refused (created and canceled at once) stays registered
      // and silent, as it does in clientv3.
      const head = this.creating.shift();
      if (head) {
        head.id = id;
        if (head.nextRev === 0) head.nextRev = Number(result.header?.revision ?? 0);
      }
      if (this.creating.length > 0) this.send({ create_request: this.creating[0].create });
      return;
    }
    if (response.canceled && response.compactRevision === '0') {
      const w = this.byId(id);
      if (w) this.finish(w);
      return;
    }
    const targets = isProgressNotify(response) && id === -1 ? this.watchers.filter((w) => w.id !== undefined) : [this.byId(id)].filter((w): w is Watcher => w !== undefined);
    for (const w of targets) {
      w.nextRev = Number(result.header?.revision ?? 0);
      const events: Json[] = result.events ?? [];
      if (events.length > 0) w.nextRev = Number(events[events.length - 1].kv?.mod_revision ?? 0) + 1;
      w.sink.deliver(response);
      if (watchError(response) !== undefined) this.finish(w);
    }
  }

  private byId(id: number): Watcher | undefined {
    return this.watchers.find((w) => w.id === id);
  }

  private finish(w: Watcher): void {
    this.watchers.splice(this.watchers.indexOf(w), 1);
    this.creating = this.creating.filter((c) => c !== w);
    w.sink.closed();
  }

  /** The stream failed for good: every watcher gets clientv3's close response, then closes. */
  private halt(message: string): void {
    for (const w of [...this.watchers]) {
      w.sink.deliver({ compactRevision: '0', canceled: true, closeErr: message });
      this.finish(w);
    }
    this.close();
  }

  /** The connection went away: create every watcher again, from where it got to, on the next endpoint. */
  private broken(req: http.ClientRequest): void {
    if (req !== this.request || this.closed) return;
    this.request = undefined;
    req.destroy();
    for (const w of this.watchers) {
      w.id = undefined;
      if (w.nextRev > 0) w.create.start_revision = String(w.nextRev);
    }
    this.creating = [...this.watchers];
    if (this.creating.length === 0) return;
    this.endpoint++;
    this.retry = setTimeout(() => this.connect(), RECONNECT_MS);
  }
}
