import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { API_GROUPS, type ResourceInfo, resourcesOf } from '../../api/resources.js';
import { openApiSchemas } from '../openapi/catalog.js';
import { KUBERNETES_VERSION } from './discovery.js';
import { writeJson } from './responses.js';

/**
 * OpenAPI v3, as far as kubectl needs it: one document per group version listing the
 * object paths with their PATCH operation, its `x-kubernetes-group-version-kind` and the
 * `fieldValidation` query parameter (kubectl reads that to know the server validates fields
 * itself, kubectl apply's default --validate=strict), and the schemas of the served kinds
 * (../openapi/), which `kubectl explain` shows.
 */
function groupVersions(): { path: string; group: string; version: string }[] {
  return [{ path: 'api/v1', group: '', version: 'v1' }, ...API_GROUPS.map((g) => ({ path: `apis/${g.name}/${g.version}`, group: g.name, version: g.version }))];
}

const QUERY_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'force', 'pretty'].map((name) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } }));

function pathsOf(root: string, r: ResourceInfo): Record<string, unknown> {
  const base = r.namespaced ? `/${root}/namespaces/{namespace}/${r.resource}` : `/${root}/${r.resource}`;
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const op = (action: string) => ({ 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk, parameters: QUERY_PARAMS, responses: { '200': { description: 'OK' } } });
  return {
    [base]: { get: op('list'), post: op('post') },
    [`${base}/{name}`]: {
      get: op('get'),
      put: op('put'),
      delete: op('delete'),
      patch: {
        ...op('patch'),
        requestBody: { content: Object.fromEntries(['application/json-patch+json', 'application/merge-patch+json'].map((t) => [t, { schema: { type: 'object' } }])) },
      },
    },
  };
}

function documentOf(gv: { path: string; group: string; version: string }, schemas: Record<string, unknown>): Record<string, unknown> {
  const paths = Object.assign({}, ...resourcesOf(gv.group, gv.version).map((r) => pathsOf(gv.path, r)));
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: KUBERNETES_VERSION.gitVersion }, paths, components: { schemas } };
}

const SCHEMAS = openApiSchemas();
const DOCUMENTS = new Map(groupVersions().map((gv) => [gv.path, JSON.stringify(documentOf(gv, SCHEMAS))]));
const hashOf = (text: string) => createHash('sha512').update(text).digest('hex').slice(0, 128).toUpperCase();

/** Serves /openapi/v3 and /openapi/v3/<group version>; false for other paths. */
export function serveOpenApi(res: ServerResponse, path: string): boolean {
  if (path === '/openapi/v3' || path === '/openapi/v3/') {
    const paths = Object.fromEntries([...DOCUMENTS].map(([p, text]) => [p, { serverRelativeURL: `/openapi/v3/${p}?hash=${hashOf(text)}` }]));
    writeJson(res, 200, { paths });
    return true;
  }
  if (!path.startsWith('/openapi/v3/')) return false;
  const text = DOCUMENTS.get(path.slice('/openapi/v3/'.length));
  if (!text) return false;
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'public, immutable', etag: `"${hashOf(text)}"` });
  res.end(text);
  return true;
}
