import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../../api/object.js';
import { parse as parseYaml } from 'yaml';
import type { ServiceAccountTokenIssuer } from '../auth/index.js';
import type { ApiserverMetrics } from '../metrics.js';
import { applyPatch, patchTypeOf } from '../patch/apply-patch.js';
import type { ResourceRegistry, WriteContext } from '../registry/registry.js';
import type { RequestInfo } from '../request-info.js';
import { StatusError, badRequest, methodNotAllowed } from '../status-error.js';
import { includeObjectOf, toTable } from '../table/table.js';
import { deleteOptionsOf, fieldValidationOf, isTrue, listOptionsOf, watchTimeoutOf } from './query.js';
import { readBody, readObjectBody, readOptionalObjectBody, tableVersion, wantsTable, writeJson } from './responses.js';
import { serveEviction } from './eviction.js';
import { serveBinding, serveLog, serveView } from './subresources.js';
import { serveTokenRequest } from './token-request.js';
import { serveWatch } from './watch.js';

/** What a resource request needs besides its registry. */
export interface RestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly info: RequestInfo;
  readonly query: URLSearchParams;
  readonly write: WriteContext;
  readonly registry: ResourceRegistry;
  /** Another resource's registry (pods/log reads the node). */
  registryOf(resource: string): ResourceRegistry;
  readonly metrics: ApiserverMetrics;
  readonly bookmarkIntervalMs: number;
  /** Mints service-account tokens (serviceaccounts/token); null without a signing key. */
  readonly tokenIssuer: ServiceAccountTokenIssuer | null;
}

/** A single object, or a Table of it when kubectl asks for one. */
function respondObject(c: RestContext, code: number, obj: KubeObject): number {
  if (wantsTable(c.req.headers.accept)) {
    const table = toTable(c.registry.resource.kind, [obj], { resourceVersion: obj.metadata.resourceVersion }, includeObjectOf(c.query.get('includeObject')));
    writeJson(c.res, code, { ...table, apiVersion: tableVersion(c.req.headers.accept) });
  } else writeJson(c.res, code, obj);
  return code;
}

async function list(c: RestContext): Promise<number> {
  const { info, registry } = c;
  const result = await registry.list(info.namespace, listOptionsOf(c.query));
  const listMeta = { resourceVersion: result.resourceVersion, ...(result.continue ? { continue: result.continue } : {}) };
  if (wantsTable(c.req.headers.accept)) {
    const table = toTable(registry.resource.kind, result.items, listMeta, includeObjectOf(c.query.get('includeObject')));
    writeJson(c.res, 200, { ...table, apiVersion: tableVersion(c.req.headers.accept) });
  } else {
    writeJson(c.res, 200, { kind: registry.resource.listKind, apiVersion: registry.apiVersion, metadata: listMeta, items: result.items });
  }
  return 200;
}

async function watch(c: RestContext): Promise<number> {
  const { info, query } = c;
  // A watch on one name is a watch on the collection narrowed by metadata.name.
  const byName = info.name ? `metadata.name=${info.name}` : '';
  const fieldSelector = [query.get('fieldSelector') ?? '', byName].filter(Boolean).join(',');
  await serveWatch(
    c.res,
    c.registry,
    {
      namespace: info.namespace,
      labelSelector: query.get('labelSelector') ?? undefined,
      fieldSelector,
      resourceVersion: query.get('resourceVersion') ?? '',
      allowWatchBookmarks: isTrue(query, 'allowWatchBookmarks'),
      sendInitialEvents: query.has('sendInitialEvents') ? isTrue(query, 'sendInitialEvents') : undefined,
      timeoutSeconds: watchTimeoutOf(query),
      table: wantsTable(c.req.headers.accept) ? { include: includeObjectOf(query.get('includeObject')) } : undefined,
    },
    c.metrics,
    c.bookmarkIntervalMs,
  );
  return 200;
}

async function patch(c: RestContext): Promise<number> {
  const { info, registry } = c;
  const type = patchTypeOf(c.req.headers['content-type']);
  const raw = (await readBody(c.req)).toString('utf8');
  let body: unknown;
  try {
    body = type === 'application/apply-patch+yaml' ? parseYaml(raw) : JSON.parse(raw);
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
  if (type !== 'application/apply-patch+yaml') {
    const updated = await registry.modify(info.namespace, info.name, c.write, '', (current) => applyPatch(type, registry.resource.kind, current, body));
    return respondObject(c, 200, updated);
  }
  // Server-side apply: the field manager is required, and applying to a missing object creates it.
  if (!c.query.get('fieldManager')) throw badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  const write = { ...c.write, operation: 'Apply' as const };
  try {
    const updated = await registry.modify(info.namespace, info.name, write, '', (current) => applyPatch(type, registry.resource.kind, current, body));
    return respondObject(c, 200, updated);
  } catch (err) {
    if (!(err instanceof StatusError && err.code === 404 && err.reason === 'NotFound')) throw err;
  }
  const object = { ...(body as KubeObject), metadata: { ...(body as KubeObject).metadata, name: info.name } };
  return respondObject(c, 201, await registry.create(info.namespace, object, write));
}

/** Serves a request on a resource or one of its subresources; answers the HTTP code. */
export async function serveResource(c: RestContext): Promise<number> {
  const { info, registry, query } = c;
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') fieldValidationOf(query);
  if (info.subresource) return serveSubresource(c);
  switch (info.verb) {
    case 'get':
      return respondObject(c, 200, await registry.get(info.namespace, info.name, query.get('resourceVersion') ?? ''));
    case 'list':
      return list(c);
    case 'watch':
      return watch(c);
    case 'create': {
      if (info.name) throw methodNotAllowed('the server does not allow this method on the requested resource');
      const created = await registry.create(info.namespace, (await readObjectBody(c.req)) as KubeObject, c.write);
      return respondObject(c, 201, created);
    }
    case 'update': {
      const { object, created } = await registry.update(info.namespace, info.name, (await readObjectBody(c.req)) as KubeObject, c.write);
      return respondObject(c, created ? 201 : 200, object);
    }
    case 'patch':
      return patch(c);
    case 'delete': {
      const body = await readOptionalObjectBody(c.req);
      const { object, finished } = await registry.delete(info.namespace, info.name, deleteOptionsOf(query, body), c.write);
      // As kube-apiserver: 202 only for a deletion left pending with orphanDependents=false; a
      // graceful or finalizer-held deletion is otherwise a 200 with the marked object.
      const cascading = (body as { orphanDependents?: boolean } | undefined)?.orphanDependents === false || query.get('orphanDependents') === 'false';
      return respondObject(c, !finished && cascading ? 202 : 200, object);
    }
    case 'deletecollection': {
      const body = await readOptionalObjectBody(c.req);
      const deleted = await registry.deleteCollection(info.namespace, listOptionsOf(query), deleteOptionsOf(query, body), c.write);
      writeJson(c.res, 200, { kind: registry.resource.listKind, apiVersion: registry.apiVersion, metadata: {}, items: deleted });
      return 200;
    }
    default:
      throw methodNotAllowed(`the server does not allow this method on the requested resource`);
  }
}

async function serveSubresource(c: RestContext): Promise<number> {
  const { info, registry } = c;
  const known = registry.resource.subresources.find((s) => s.name === info.subresource);
  if (!known || !info.name) throw badRequest(`the server could not find the requested resource`);
  if (!(known.verbs as readonly string[]).includes(info.verb)) throw methodNotAllowed('the server does not allow this method on the requested resource');
  switch (info.subresource) {
    case 'binding':
      return serveBinding(c.req, c.res, registry, info.namespace, info.name, c.write);
    case 'eviction':
      return serveEviction(c.req, c.res, registry, info.namespace, info.name, c.write);
    case 'log':
      return serveLog(c.res, registry, c.registryOf('nodes'), info.namespace, info.name, c.query);
    case 'token':
      return serveTokenRequest(c.req, c.res, registry, c.tokenIssuer, info.namespace, info.name);
    default:
      return serveView(c.req, c.res, registry, info.namespace, info.name, info.subresource, info.verb, c.write, info.verb === 'patch' ? patchTypeOf(c.req.headers['content-type']) : undefined);
  }
}

