import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../../api/object.js';
import type { ApiserverMetrics } from '../metrics.js';
import { selectionOf } from '../registry/list.js';
import type { ResourceRegistry } from '../registry/registry.js';
import { listPrefix } from '../storage/keys.js';
import { StatusError, badRequest } from '../status-error.js';
import { type IncludeObject, toTable } from '../table/table.js';
import type { CacheEvent } from '../watch-cache/event-window.js';
import type { Subscription } from '../watch-cache/watch-cache.js';

export interface WatchParameters {
  readonly namespace: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly resourceVersion: string;
  readonly allowWatchBookmarks: boolean;
  readonly sendInitialEvents?: boolean;
  readonly timeoutSeconds?: number;
  /** Set when the client asked for Tables (kubectl get -w). */
  readonly table?: { readonly include: IncludeObject };
}

/** How far a watcher may fall behind its socket before it is closed (the client re-watches). */
const MAX_QUEUED = 10_000;

type Outgoing = { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'; object: unknown };

/**
 * Serves one watch from the resource's watch cache: the current state as ADDED events when
 * the client gave no resourceVersion (or "0"), else the events after its resourceVersion
 * (a 410 ERROR event if they left the cache's window), then live events, filtered by the
 * selectors (an object leaving a selector is DELETED for the watcher, one entering ADDED),
 * with BOOKMARKs when asked, until the timeout or the client goes.
 */
export async function serveWatch(res: ServerResponse, registry: ResourceRegistry, params: WatchParameters, metrics: ApiserverMetrics, bookmarkIntervalMs: number): Promise<void> {
  const cache = registry.cache;
  await cache.ready();
  const selected = selectionOf(registry.strategy, params);
  const prefix = listPrefix(registry.resource, params.namespace);
  const matches = (o: KubeObject | undefined) => o !== undefined && (o.metadata.namespace === undefined || !params.namespace || o.metadata.namespace === params.namespace) && selected(o);
  const rv = params.resourceVersion;
  if (rv !== '' && !/^\d+$/.test(rv)) throw badRequest(`resourceVersion: Invalid value: "${rv}": must be an integer`);
  const labels = { group: registry.resource.group, version: registry.resource.version, kind: registry.resource.kind };

  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private', 'transfer-encoding': 'chunked' });
  res.flushHeaders();

  const queue: string[] = [];
  let blocked = false;
  let lastRevision = 0;
  let closed = false;
  let subscription: Subscription | undefined;
  const timers: NodeJS.Timeout[] = [];

  const finish = () => {
    if (closed) return;
    closed = true;
    subscription?.cancel();
    for (const t of timers) clearTimeout(t);
    res.end();
  };
  const send = (event: Outgoing) => {
    if (closed) return;
    const line = JSON.stringify(event) + '\n';
    if (blocked) {
      queue.push(line);
      if (queue.length > MAX_QUEUED) finish();
      return;
    }
    if (!res.write(line)) blocked = true;
    if (event.type !== 'BOOKMARK' && event.type !== 'ERROR') metrics.watchEvents.inc(labels);
  };
  res.on('drain', () => {
    blocked = false;
    while (queue.length > 0 && !blocked) if (!res.write(queue.shift()!)) blocked = true;
  });
  res.on('close', finish);

  const render = (o: KubeObject) => (params.table ? toTable(registry.resource.kind, [o], { resourceVersion: o.metadata.resourceVersion }, params.table.include) : o);
  let floor = 0;
  const deliver = (e: CacheEvent) => {
    // Several events may share a revision (one txn): skip by the start revision, not the last sent.
    if (e.revision <= floor || !e.key.startsWith(prefix)) return;
    lastRevision = Math.max(lastRevision, e.revision);
    const now = matches(e.object);
    const before = e.type === 'MODIFIED' ? matches(e.prevObject) : false;
    if (e.type === 'DELETED') {
      if (matches(e.prevObject ?? e.object)) send({ type: 'DELETED', object: render(e.object) });
    } else if (e.type === 'ADDED') {
      if (now) send({ type: 'ADDED', object: render(e.object) });
    } else if (now && before) send({ type: 'MODIFIED', object: render(e.object) });
    else if (now) send({ type: 'ADDED', object: render(e.object) });
    else if (before) send({ type: 'DELETED', object: render(e.object) });
  };
  const bookmark = (annotations?: Record<string, string>) =>
    send({
      type: 'BOOKMARK',
      object: { kind: registry.resource.kind, apiVersion: registry.apiVersion, metadata: { resourceVersion: String(Math.max(lastRevision, cache.revision)), ...(annotations ? { annotations } : {}) } },
    });

  const initialState = rv === '' || rv === '0' || params.sendInitialEvents === true;
  try {
    let from = rv === '' || rv === '0' ? cache.revision : Number(rv);
    if (initialState) {
      // The state and the subscription are taken in the same turn: no event falls between them.
      from = Math.max(from, cache.revision);
      for (const s of cache.list(prefix)) if (matches(s.object)) send({ type: 'ADDED', object: render(s.object) });
    }
    // A revision the cache has not reached yet is legal: events up to it are skipped as they come.
    subscription = cache.subscribe(Math.min(from, cache.revision), { onEvent: deliver, onEnd: finish });
    floor = from;
    lastRevision = from;
    for (const e of subscription.replay) deliver(e);
    if (params.sendInitialEvents && params.allowWatchBookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
  } catch (err) {
    if (!(err instanceof StatusError)) throw err;
    send({ type: 'ERROR', object: err.toStatus() });
    finish();
    return;
  }

  if (params.allowWatchBookmarks && !params.table) {
    const tick = () => {
      bookmark();
      timers[0] = setTimeout(tick, bookmarkIntervalMs);
    };
    timers[0] = setTimeout(tick, bookmarkIntervalMs);
  }
  const timeoutMs = params.timeoutSeconds !== undefined ? params.timeoutSeconds * 1000 : (1800 + Math.random() * 1800) * 1000;
  timers[1] = setTimeout(finish, timeoutMs);
}
