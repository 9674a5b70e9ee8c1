import { request, type Agent } from 'undici';
import type { KubeObject } from '../../api/object.js';
import { ApiError, type KubeStatus } from './api-error.js';

/** One watch event as the apiserver streams it; ERROR carries a Status (e.g. 410 Gone) as object. */
export type WatchEvent<T extends KubeObject = KubeObject> =
  | { readonly type: 'ADDED' | 'MODIFIED' | 'DELETED'; readonly object: T }
  | { readonly type: 'BOOKMARK'; readonly object: KubeObject }
  | { readonly type: 'ERROR'; readonly object: KubeStatus };

export interface WatchOptions {
  readonly namespace?: string;
  readonly resourceVersion?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly allowWatchBookmarks?: boolean;
  readonly timeoutSeconds?: number;
  /** Aborting ends the stream (the iteration finishes without an error). */
  readonly signal?: AbortSignal;
}

/** An open watch: iterate it for events; stop() ends it from outside. */
export interface WatchStream<T extends KubeObject = KubeObject> extends AsyncIterable<WatchEvent<T>> {
  stop(): void;
}

/**
 * Opens a watch request and resolves once the apiserver answered its headers (a refusal, such as
 * 410 for a compacted resourceVersion, throws ApiError here). Events are newline-delimited JSON.
 */
export async function openWatch<T extends KubeObject>(url: string, agent: Agent, headers: Record<string, string>, signal?: AbortSignal): Promise<WatchStream<T>> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  if (signal?.aborted) controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const res = await request(url, { method: 'GET', dispatcher: agent, headers, signal: controller.signal, headersTimeout: 30_000, bodyTimeout: 0 });
    if (res.statusCode >= 400) throw ApiError.fromResponse(res.statusCode, await res.body.text());
    async function* events(): AsyncGenerator<WatchEvent<T>> {
      let buffered = '';
      try {
        for await (const chunk of res.body) {
          buffered += chunk.toString();
          let newline;
          while ((newline = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, newline).trim();
            buffered = buffered.slice(newline + 1);
            if (line) yield JSON.parse(line) as WatchEvent<T>;
          }
        }
      } catch (err) {
        if (!controller.signal.aborted) throw err;
      } finally {
        signal?.removeEventListener('abort', onAbort);
        if (!controller.signal.aborted) controller.abort();
      }
    }
    const iterator = events();
    return { [Symbol.asyncIterator]: () => iterator, stop: () => controller.abort() };
  } catch (err) {
    signal?.removeEventListener('abort', onAbort);
    if (controller.signal.aborted && !(err instanceof ApiError)) {
      return { [Symbol.asyncIterator]: async function* () {}, stop: () => undefined };
    }
    throw err;
  }
}
