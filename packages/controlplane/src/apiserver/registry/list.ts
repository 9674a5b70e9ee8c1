import type { KubeObject } from '../../api/object.js';
import { parseFieldSelector } from '../selection/field-selector.js';
import { parseLabelSelector } from '../selection/label-selector.js';
import { decodeContinue, encodeContinue } from '../storage/continue-token.js';
import { type ObjectStore, type StoredObject, isCompacted } from '../storage/object-store.js';
import { badRequest, expired } from '../status-error.js';
import type { WatchCache } from '../watch-cache/watch-cache.js';
import type { ResourceStrategy } from './strategy.js';

/** The list parameters of Kubernetes' ListOptions. */
export interface ListOptions {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: string;
  readonly limit?: number;
  readonly continue?: string;
}

export interface ListResult {
  readonly items: KubeObject[];
  readonly resourceVersion: string;
  readonly continue?: string;
}

/** The object filter of a list or watch: its label and field selectors together. */
export function selectionOf(strategy: ResourceStrategy, options: { labelSelector?: string; fieldSelector?: string }): (obj: KubeObject) => boolean {
  const labels = parseLabelSelector(options.labelSelector);
  const fields = parseFieldSelector(options.fieldSelector, ['metadata.name', 'metadata.namespace', ...strategy.selectableFields]);
  if (labels.requirements.length === 0 && fields.requirements.length === 0) return () => true;
  return (obj) => labels.matches(obj.metadata.labels) && fields.matches(strategy.fieldsOf(obj));
}

const CONTINUE_EXPIRED =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/**
 * One page of a list read from the store at `revision` (0: the latest), starting at `from`.
 * Pages of the store are read until `limit` objects pass the filter; the continue token
 * then points after the last one returned, at the same revision.
 */
async function listFromStore(
  store: ObjectStore,
  prefix: string,
  from: string,
  revision: number,
  limit: number,
  matches: (obj: KubeObject) => boolean,
  type: string,
): Promise<ListResult> {
  const items: KubeObject[] = [];
  let at = revision;
  let cursor = from;
  for (;;) {
    const page = await store.list(prefix, cursor, limit > 0 ? Math.max(limit - items.length, 1) : 0, at, type);
    at = page.revision;
    let last: StoredObject | undefined;
    for (const stored of page.items) {
      last = stored;
      if (matches(stored.object)) items.push(stored.object);
    }
    if (!page.more || !last) return { items, resourceVersion: String(at) };
    cursor = last.key + '\0';
    if (limit > 0 && items.length >= limit) {
      return { items, resourceVersion: String(at), continue: encodeContinue({ revision: at, start: cursor.slice(prefix.length) }) };
    }
  }
}

/**
 * A list by Kubernetes' resourceVersion rules: unset → a consistent read from the store;
 * "0" → whatever the watch cache holds; N → from the cache once it is at N or later (else
 * the store); N with resourceVersionMatch=Exact → the store at revision N.
 */
export async function listObjects(store: ObjectStore, cache: WatchCache, strategy: ResourceStrategy, prefix: string, options: ListOptions, type: string): Promise<ListResult> {
  const matches = selectionOf(strategy, options);
  const limit = options.limit ?? 0;
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`limit: Invalid value: ${limit}: must be a non-negative integer`);
  const rv = options.resourceVersion ?? '';
  if (rv !== '' && !/^\d+$/.test(rv)) throw badRequest(`resourceVersion: Invalid value: "${rv}": must be an integer`);
  const match = options.resourceVersionMatch ?? '';
  if (!['', 'NotOlderThan', 'Exact'].includes(match)) throw badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  if (match && rv === '') throw badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');

  try {
    if (options.continue) {
      if (rv !== '') throw badRequest('specifying resource version is not allowed when using continue');
      const point = decodeContinue(options.continue);
      return await listFromStore(store, prefix, prefix + point.start, point.revision, limit, matches, type);
    }
    if (match === 'Exact') return await listFromStore(store, prefix, prefix, Number(rv), limit, matches, type);
    if (rv !== '' && (rv === '0' || cache.revision >= Number(rv))) {
      await cache.ready();
      return { items: cache.list(prefix).map((s) => s.object).filter(matches), resourceVersion: String(cache.revision) };
    }
    return await listFromStore(store, prefix, prefix, 0, limit, matches, type);
  } catch (err) {
    if (!isCompacted(err)) throw err;
    if (options.continue) throw expired(CONTINUE_EXPIRED);
    throw expired(`The resourceVersion for the provided list is too old.`);
  }
}

