import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_GROUPS, type ResourceInfo, resourcesOf } from '../../api/resources.js';
import { writeJson } from './responses.js';

/** The Kubernetes version this apiserver speaks (kubectl warns beyond one minor version of skew). */
export const KUBERNETES_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0-flotilla' };

export function versionInfo(): Record<string, string> {
  return {
    ...KUBERNETES_VERSION,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '2025-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

const groupVersion = (g: { name: string; version: string }) => ({ groupVersion: `${g.name}/${g.version}`, version: g.version });

function apiResources(r: ResourceInfo): Record<string, unknown>[] {
  const main = {
    name: r.resource,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length ? { categories: r.categories } : {}),
  };
  const subs = r.subresources.map((s) => ({
    name: `${r.resource}/${s.name}`,
    singularName: '',
    namespaced: r.namespaced,
    ...(s.group !== undefined ? { group: s.group, version: s.version } : {}),
    kind: s.kind,
    verbs: s.verbs,
  }));
  return [main, ...subs];
}

/** APIResourceList of one group version (/api/v1, /apis/apps/v1). */
export function resourceList(group: string, version: string): Record<string, unknown> | undefined {
  const resources = resourcesOf(group, version);
  if (resources.length === 0) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources: resources.flatMap(apiResources) };
}

function apiGroup(g: { name: string; version: string }): Record<string, unknown> {
  return { name: g.name, versions: [groupVersion(g)], preferredVersion: groupVersion(g) };
}

/** The aggregated discovery document (apidiscovery.k8s.io/v2) of the core group or of the named groups. */
function aggregated(core: boolean, apiVersion: string): Record<string, unknown> {
  const groups = core ? [{ name: '', version: 'v1' }] : API_GROUPS;
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion,
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g.name },
      versions: [
        {
          version: g.version,
          resources: resourcesOf(g.name, g.version).map((r) => ({
            resource: r.resource,
            responseKind: { group: r.group, version: r.version, kind: r.kind },
            scope: r.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: r.singular,
            verbs: r.verbs,
            ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
            ...(r.categories.length ? { categories: r.categories } : {}),
            ...(r.subresources.length
              ? {
                  subresources: r.subresources.map((s) => ({
                    subresource: s.name,
                    responseKind: { group: s.group ?? r.group, version: s.version ?? r.version, kind: s.kind },
                    verbs: s.verbs,
                  })),
                }
              : {}),
          })),
          freshness: 'Current',
        },
      ],
    })),
  };
}

/** Which aggregated discovery version the Accept header asks for, if any. */
function aggregatedVersion(accept: string | undefined): string | undefined {
  for (const part of (accept ?? '').split(',')) {
    const params = part.split(';').map((p) => p.trim());
    if (!params.includes('g=apidiscovery.k8s.io') || !params.includes('as=APIGroupDiscoveryList')) continue;
    if (params.includes('v=v2')) return 'v2';
    if (params.includes('v=v2beta1')) return 'v2beta1';
  }
  return undefined;
}

/**
 * Serves discovery: /api, /apis (plain or aggregated, as the client's Accept asks),
 * /api/v1, /apis/<group>, /apis/<group>/<version>. Returns false for other paths.
 */
export function serveDiscovery(req: IncomingMessage, res: ServerResponse, path: string, serverAddress: string): boolean {
  const parts = path.split('/').filter(Boolean);
  if (parts[0] !== 'api' && parts[0] !== 'apis') return false;
  if (parts.length === 1) {
    const version = aggregatedVersion(req.headers.accept);
    if (version) {
      const body = JSON.stringify(aggregated(parts[0] === 'api', `apidiscovery.k8s.io/${version}`));
      res.writeHead(200, { 'content-type': `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`, 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return true;
    }
    if (parts[0] === 'api') {
      writeJson(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] });
    } else {
      writeJson(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: API_GROUPS.map(apiGroup) });
    }
    return true;
  }
  if (parts[0] === 'api' && parts.length === 2) {
    const list = resourceList('', parts[1]);
    if (!list) return false;
    writeJson(res, 200, list);
    return true;
  }
  if (parts[0] === 'apis' && parts.length === 2) {
    const g = API_GROUPS.find((x) => x.name === parts[1]);
    if (!g) return false;
    writeJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g) });
    return true;
  }
  if (parts[0] === 'apis' && parts.length === 3) {
    const list = resourceList(parts[1], parts[2]);
    if (!list) return false;
    writeJson(res, 200, list);
    return true;
  }
  return false;
}
