import { EtcdError } from '../errors/index.js';
import { keyRangeOf, toKey, type KvEvent } from '../mvcc/index.js';
import type { WatchCreate, WatchRequest, WatchResponse, WatchSink, WatchSource } from './types.js';

export interface WatchSessionOptions {
  /** How often watchers that asked for progress_notify get an empty response (etcd: 10 minutes). */
  readonly progressIntervalMs: number;
  /** A response carrying more than this many bytes of events is split when the watcher asked for fragments. */
  readonly fragmentBytes: number;
  /** Told of watchers created (+1) and removed (-1), for etcd_debugging_mvcc_watcher_total. */
  readonly onWatcherCount?: (delta: number) => void;
  /** Told when the transport backs up (+1) and when it has caught up or closed (-1): etcd_debugging_mvcc_slow_watcher_total. */
  readonly onSlow?: (delta: 1 | -1) => void;
}

/** Replayed history goes out in responses of at most this many revisions (as etcd's sync does). */
const REPLAY_REVISIONS_PER_RESPONSE = 1000;

interface Watcher {
  readonly id: number;
  readonly create: WatchCreate;
  readonly matches: (key: string) => boolean;
  /**
   * The next revision this watcher needs. Invariant: every matching event below `next`
   * has been sent, and none at or above it.
   */
  next: number;
}

/**
 * One watch stream (a gRPC Watch call or a POST /v3/watch): many watchers multiplexed
 * over one transport. Events arrive from the source after each applied batch and go out
 * ordered, each revision once, one revision's events together.
 *
 * A slow transport never blocks apply: when the sink reports a full buffer, the session
 * stops sending and, once the sink drains, catches every watcher up from history; if
 * compaction removed what a watcher still needed, it is cancelled with compact_revision,
 * as etcd does with its slow watchers.
 */
export class WatchSession {
  private readonly watchers = new Map<number, Watcher>();
  private nextAutoId = 0;
  private readonly unsubscribe: () => void;
  private readonly ticker: NodeJS.Timeout;
  /** The sink is backed up: nothing is sent until it drains. */
  private paused = false;
  private progressOwed = false;
  private closed = false;

  constructor(
    private readonly source: WatchSource,
    private readonly sink: WatchSink,
    private readonly opts: WatchSessionOptions,
  ) {
    this.unsubscribe = source.subscribe((events, revision) => this.onApplied(events, revision));
    sink.onDrain(() => this.resume());
    this.ticker = setInterval(() => this.notifyProgress(), opts.progressIntervalMs);
    this.ticker.unref();
  }

  handle(req: WatchRequest): void {
    if (this.closed) return;
    if ('create' in req) this.create(req.create);
    else if ('cancel' in req) this.cancel(req.cancel.watchId);
    else this.requestProgress();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.paused) this.opts.onSlow?.(-1);
    this.unsubscribe();
    clearInterval(this.ticker);
    this.opts.onWatcherCount?.(-this.watchers.size);
    this.watchers.clear();
  }

  private create(c: WatchCreate): void {
    const current = this.source.revision;
    const refuse = (reason: string) => this.send({ revision: current, watchId: -1, created: true, canceled: true, cancelReason: reason, events: [] });
    // etcd: an empty key means "\0"; a range_end at or before the key selects nothing.
    const key = c.key.byteLength === 0 ? Uint8Array.of(0) : c.key;
    const fromKey = c.rangeEnd.byteLength === 1 && c.rangeEnd[0] === 0;
    if (c.rangeEnd.byteLength > 0 && !fromKey && toKey(key) >= toKey(c.rangeEnd)) return refuse('mvcc: watcher range is empty');
    let id = c.watchId;
    if (id === 0) {
      while (this.watchers.has(this.nextAutoId)) this.nextAutoId++;
      id = this.nextAutoId++;
    } else if (this.watchers.has(id) || id < 0) {
      return refuse('mvcc: duplicate watch ID provided on the WatchStream');
    }
    const w: Watcher = { id, create: { ...c, key }, matches: keyRangeOf(key, c.rangeEnd), next: c.startRevision !== 0 ? c.startRevision : current + 1 };
    this.watchers.set(id, w);
    this.opts.onWatcherCount?.(1);
    this.send({ revision: current, watchId: id, created: true, events: [] });
    // A negative start is below any compacted revision: created, then cancelled (etcd 3.4).
    if (w.next <= current && !this.paused) this.catchUp(w, current);
  }

  private cancel(id: number): void {
    if (!this.remove(id)) return;
    this.send({ revision: this.source.revision, watchId: id, canceled: true, events: [] });
  }

  private remove(id: number): boolean {
    if (!this.watchers.delete(id)) return false;
    this.opts.onWatcherCount?.(-1);
    return true;
  }

  /** A progress request is answered once every watcher has everything up to the header's revision. */
  private requestProgress(): void {
    if (this.paused) {
      this.progressOwed = true;
      return;
    }
    this.send({ revision: this.source.revision, watchId: -1, events: [] });
  }

  private notifyProgress(): void {
    if (this.paused || this.closed) return;
    const current = this.source.revision;
    for (const w of this.watchers.values()) {
      // Only a watcher that is caught up may be told "nothing below this revision is missing".
      if (w.create.progressNotify && w.next > current) this.send({ revision: current, watchId: w.id, events: [] });
    }
  }

  private onApplied(events: readonly KvEvent[], revision: number): void {
    if (this.paused || this.closed || events.length === 0) return;
    const first = events[0].kv.modRevision;
    for (const w of [...this.watchers.values()]) {
      if (this.paused) break;
      // Behind by more than this batch (it was paused, or is replaying): take it from history.
      if (w.next < first) this.catchUp(w, revision);
      else this.sendLive(w, events, revision);
    }
  }

  /** The batch's events for one watcher, one response per revision. */
  private sendLive(w: Watcher, events: readonly KvEvent[], revision: number): void {
    let i = 0;
    while (i < events.length && !this.paused) {
      const rev = events[i].kv.modRevision;
      const group: KvEvent[] = [];
      for (; i < events.length && events[i].kv.modRevision === rev; i++) {
        if (rev >= w.next && this.wanted(w, events[i])) group.push(this.shape(w, events[i]));
      }
      if (rev < w.next) continue;
      w.next = rev + 1;
      if (group.length > 0) this.sendEvents(w, rev, group);
    }
    if (!this.paused) w.next = Math.max(w.next, revision + 1);
  }

  /** Replays [w.next, upTo] from history; a watcher whose history was compacted away is cancelled. */
  private catchUp(w: Watcher, upTo: number): void {
    let events: KvEvent[];
    try {
      events = this.source.eventsSince(w.create.key, w.create.rangeEnd, w.next, upTo);
    } catch (err) {
      if (!(err instanceof EtcdError) || err.etcdName !== 'Compacted') throw err;
      this.remove(w.id);
      this.send({ revision: 0, watchId: w.id, canceled: true, compactRevision: this.source.compactedRevision, events: [] });
      return;
    }
    const wanted = events.filter((e) => this.wanted(w, e));
    let start = 0;
    while (start < wanted.length && !this.paused) {
      // Whole revisions only, at most REPLAY_REVISIONS_PER_RESPONSE of them.
      const lastRev = wanted[start].kv.modRevision + REPLAY_REVISIONS_PER_RESPONSE - 1;
      let end = start;
      while (end < wanted.length && wanted[end].kv.modRevision <= lastRev) end++;
      const group = wanted.slice(start, end).map((e) => this.shape(w, this.withPrev(w, e)));
      w.next = wanted[end - 1].kv.modRevision + 1;
      // etcd stamps replayed responses with the revision the replay reached.
      this.sendEvents(w, upTo, group);
      start = end;
    }
    if (!this.paused) w.next = Math.max(w.next, upTo + 1);
  }

  private resume(): void {
    if (!this.paused || this.closed) return;
    this.paused = false;
    this.opts.onSlow?.(-1);
    const current = this.source.revision;
    for (const w of [...this.watchers.values()]) {
      if (this.paused) return;
      if (w.next <= current) this.catchUp(w, current);
    }
    if (!this.paused && this.progressOwed) {
      this.progressOwed = false;
      this.requestProgress();
    }
  }

  private wanted(w: Watcher, e: KvEvent): boolean {
    if (!w.matches(toKey(e.kv.key))) return false;
    return !w.create.filters.includes(e.type === 'PUT' ? 'NOPUT' : 'NODELETE');
  }

  private shape(w: Watcher, e: KvEvent): KvEvent {
    return w.create.prevKv || !e.prevKv ? e : { type: e.type, kv: e.kv };
  }

  /** History holds bare revisions; a watcher that asked for prev_kv gets the value before each. */
  private withPrev(w: Watcher, e: KvEvent): KvEvent {
    if (!w.create.prevKv || e.prevKv) return e;
    const before = this.source.valueBefore(e.kv.key, e.kv.modRevision);
    return before ? { ...e, prevKv: before } : e;
  }

  /** Sends events, split into fragments when the watcher allows it and they are too big for one response. */
  private sendEvents(w: Watcher, revision: number, events: KvEvent[]): void {
    if (!w.create.fragment || events.length < 2) {
      this.send({ revision, watchId: w.id, events });
      return;
    }
    const parts: KvEvent[][] = [[]];
    let size = 0;
    for (const e of events) {
      const bytes = e.kv.key.byteLength + e.kv.value.byteLength + (e.prevKv ? e.prevKv.key.byteLength + e.prevKv.value.byteLength : 0);
      if (size + bytes > this.opts.fragmentBytes && parts[parts.length - 1].length > 0) {
        parts.push([]);
        size = 0;
      }
      parts[parts.length - 1].push(e);
      size += bytes;
    }
    parts.forEach((part, i) => this.send({ revision, watchId: w.id, fragment: i < parts.length - 1, events: part }));
  }

  private send(response: WatchResponse): void {
    if (this.closed) return;
    if (!this.sink.send(response) && !this.paused) {
      this.paused = true;
      this.opts.onSlow?.(1);
    }
  }
}
