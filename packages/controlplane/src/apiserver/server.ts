import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { KvClient } from '@flotilla/kvstore/client';
import type { KubeObject } from '../api/object.js';
import { RESOURCES, findResource } from '../api/resources.js';
import { AdmissionChain } from './admission/admission.js';
import { DEFAULT_TOLERATION_SECONDS, defaultTolerationSeconds } from './admission/default-toleration-seconds.js';
import { namespaceLifecycle } from './admission/namespace-lifecycle.js';
import { serviceAccountDefaulting } from './admission/service-accounts.js';
import { ClusterIpAllocator, parseCidr } from './allocation/cluster-ip-allocator.js';
import { AuthenticationError, bootstrapClusterRoleBindings, bootstrapClusterRoles, forbiddenMessage, type AuthFlags } from './auth/index.js';
import { type AuthGate, OPEN_GATE, type UserInfo, buildAuthGate } from './auth-gate.js';
import { bootstrapCluster, defaultServiceAccount, ensureObject } from './bootstrap.js';
import { serveDiscovery, versionInfo } from './handlers/discovery.js';
import { type HealthCheck, serveHealth } from './handlers/health.js';
import { serveOpenApi } from './handlers/openapi.js';
import { dryRunOf } from './handlers/query.js';
import { writeError, writeJson, writeText } from './handlers/responses.js';
import { serveResource } from './handlers/rest.js';
import { serveReview } from './handlers/reviews.js';
import type { Logger } from './log.js';
import { ApiserverMetrics } from './metrics.js';
import { GarbageCollector } from './garbage-collector.js';
import { NamespaceFinalizer } from './namespace-finalizer.js';
import { rbacObjectsOf } from './rbac-objects.js';
import { fieldManagerOf } from './registry/metadata.js';
import { ResourceRegistry } from './registry/registry.js';
import { strategyFor } from './registry/strategies/index.js';
import { type RequestInfo, requestInfoOf } from './request-info.js';
import { ObjectStore } from './storage/object-store.js';
import { StatusError, forbidden, unauthorized } from './status-error.js';
import { WatchCache } from './watch-cache/watch-cache.js';

export interface ApiServerOptions {
  /** The kvstore's client URLs. */
  readonly etcdServers: readonly string[];
  readonly bindAddress?: string;
  /** 0: the OS picks a free port. */
  readonly port?: number;
  /** Serve HTTPS with these (PEM); plain HTTP without. */
  readonly tls?: { readonly cert: Buffer | string; readonly key: Buffer | string };
  readonly serviceClusterIpRange?: string;
  /** The address published in the `kubernetes` endpoints (default: the bind address). */
  readonly advertiseAddress?: string;
  readonly logger: Logger;
  /**
   * Authentication and authorization flags (token file, client CA, service-account keys,
   * authorization modes). Without them every request is served as an administrator.
   * With RBAC among the modes the bootstrap roles and bindings are created at start-up.
   */
  readonly auth?: AuthFlags;
  /** A bearer token accepted as system:admin (system:masters), e.g. for a written kubeconfig. */
  readonly adminToken?: string;
  readonly watchCacheCapacity?: number;
  /**
   * Run the namespace finalizer and the garbage collector here (default true), for an apiserver
   * without a kube-controller-manager; false where the controller-manager runs them.
   */
  readonly runBuiltinControllers?: boolean;
  readonly bookmarkIntervalMs?: number;
  readonly commandTimeoutMs?: number;
  /** --default-not-ready-toleration-seconds: how long pods tolerate a not-ready node (default 300). */
  readonly defaultNotReadyTolerationSeconds?: number;
  /** --default-unreachable-toleration-seconds: how long pods tolerate an unreachable node (default 300). */
  readonly defaultUnreachableTolerationSeconds?: number;
}


/** The canonical verb label of apiserver_request_total (LIST, WATCH, POST, ...). */
function verbLabel(info: RequestInfo, method: string): string {
  if (!info.isResourceRequest) return method;
  return ({ get: 'GET', list: 'LIST', watch: 'WATCH', create: 'POST', update: 'PUT', patch: 'PATCH', delete: 'DELETE', deletecollection: 'DELETECOLLECTION' } as Record<string, string>)[info.verb] ?? method;
}

/**
 * kube-apiserver on the kvstore: every request is authenticated, authorized, routed by API
 * conventions to discovery, health, metrics or a resource's registry (which admits,
 * validates and persists), and answered with JSON, Tables or watch streams.
 */
export class ApiServer {
  readonly metrics = new ApiserverMetrics();
  private readonly client: KvClient;
  private readonly store: ObjectStore;
  private readonly registries = new Map<string, ResourceRegistry>();
  private readonly allocator: ClusterIpAllocator;
  private gate: AuthGate = OPEN_GATE;
  private finalizer: NamespaceFinalizer | undefined;
  private collector: GarbageCollector | undefined;
  private server: Server | undefined;
  private ready = false;
  private readonly log: Logger;

  private constructor(private readonly options: ApiServerOptions) {
    this.log = options.logger;
    this.client = new KvClient({ endpoints: options.etcdServers, commandTimeoutMs: options.commandTimeoutMs ?? 10_000 });
    this.store = new ObjectStore(this.client, this.metrics);
    this.allocator = new ClusterIpAllocator(parseCidr(options.serviceClusterIpRange ?? '10.96.0.0/12'), this.client);
    const admission = new AdmissionChain([
      namespaceLifecycle((name) => this.lookupNamespace(name)),
      serviceAccountDefaulting(),
      defaultTolerationSeconds({
        notReadySeconds: options.defaultNotReadyTolerationSeconds ?? DEFAULT_TOLERATION_SECONDS.notReadySeconds,
        unreachableSeconds: options.defaultUnreachableTolerationSeconds ?? DEFAULT_TOLERATION_SECONDS.unreachableSeconds,
      }),
    ]);
    const deps = {
      allocator: this.allocator,
      createDefaultServiceAccount: (ns: string) => ensureObject(this.registryOf('serviceaccounts'), ns, defaultServiceAccount(ns)),
    };
    for (const r of RESOURCES.filter((x) => x.stored)) {
      const cache = new WatchCache(r, this.store, this.metrics, this.log, options.watchCacheCapacity);
      this.registries.set(r.resource, new ResourceRegistry(r, this.store, cache, strategyFor(r, deps), admission));
    }
  }

  /** Starts the caches, bootstraps the cluster's objects and listens. */
  static async start(options: ApiServerOptions): Promise<ApiServer> {
    const server = new ApiServer(options);
    try {
      await server.run();
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  registryOf(resource: string): ResourceRegistry {
    const r = this.registries.get(resource);
    if (!r) throw new Error(`no registry for ${resource}`);
    return r;
  }

  /** The URL clients use (http or https, the bound address and port). */
  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('the apiserver is not listening');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `${this.options.tls ? 'https' : 'http'}://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
  }

  private async run(): Promise<void> {
    await Promise.all([...this.registries.values()].map((r) => r.cache.ready()));
    if (this.options.auth) {
      const serviceAccounts = this.registryOf('serviceaccounts');
      this.gate = await buildAuthGate(this.options.auth, rbacObjectsOf((r) => this.registryOf(r)), (ns, name) => serviceAccounts.cache.get(serviceAccounts.key(ns, name))?.object, this.options.adminToken);
    }
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    const tls = this.options.tls;
    this.server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key, ...this.gate.tls }, handler) : createServer(handler);
    this.server.keepAliveTimeout = 65_000;
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.bindAddress ?? '127.0.0.1', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const address = this.options.advertiseAddress ?? (this.options.bindAddress && this.options.bindAddress !== '0.0.0.0' ? this.options.bindAddress : '127.0.0.1');
    const rbac = this.options.auth?.authorizationModes?.includes('RBAC') ? [...bootstrapClusterRoles(), ...bootstrapClusterRoleBindings()] : [];
    await bootstrapCluster((r) => this.registryOf(r), { clusterIp: this.allocator.firstAddress, address, port }, rbac as unknown as KubeObject[]);
    if (this.options.runBuiltinControllers ?? true) {
      this.finalizer = new NamespaceFinalizer(this.registryOf('namespaces'), () => [...this.registries.values()].filter((r) => r.resource.namespaced), this.log);
      await this.finalizer.start();
      this.collector = new GarbageCollector(() => [...this.registries.values()], this.log);
      await this.collector.start();
    }
    this.ready = true;
    this.log.info('kube-apiserver serving', { url: this.url, etcdServers: this.options.etcdServers });
  }

  async stop(): Promise<void> {
    this.ready = false;
    this.finalizer?.stop();
    this.collector?.stop();
    for (const r of this.registries.values()) r.cache.stop();
    if (this.server) {
      const server = this.server;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    await this.client.close();
  }

  private async lookupNamespace(name: string): Promise<KubeObject | undefined> {
    const namespaces = this.registryOf('namespaces');
    const cached = namespaces.cache.get(namespaces.key('', name));
    if (cached) return cached.object;
    // The cache may not have seen a namespace created a moment ago: ask the store.
    try {
      return await namespaces.get('', name);
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return undefined;
      throw err;
    }
  }

  private healthChecks(): HealthCheck[] {
    return [
      { name: 'ping', check: async () => true },
      { name: 'log', check: async () => true },
      { name: 'etcd', check: async () => (await this.store.revision()) > 0 },
    ];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://apiserver');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/$/, '') : url.pathname;
    const info = requestInfoOf(req.method ?? 'GET', path, url.searchParams);
    let code = 200;
    try {
      const user = await this.authenticate(req);
      const attrs = {
        user,
        verb: info.verb,
        apiGroup: info.apiGroup,
        apiVersion: info.apiVersion,
        resource: info.resource,
        subresource: info.subresource,
        namespace: info.namespace,
        name: info.name,
        path,
        resourceRequest: info.isResourceRequest,
      };
      const decision = await this.gate.authorizer.authorize(attrs);
      if (!decision.allowed) {
        const q = info.isResourceRequest ? { group: info.apiGroup, resource: info.resource } : undefined;
        throw forbidden(forbiddenMessage(attrs, decision.reason), q, info.name || undefined);
      }
      code = await this.route(req, res, path, url.searchParams, info, user);
    } catch (err) {
      if (!(err instanceof StatusError)) this.log.error('request failed', { method: req.method, path, error: (err as Error)?.stack ?? String(err) });
      code = writeError(res, err);
    } finally {
      this.record(info, req.method ?? 'GET', code, started);
    }
  }

  /** The caller; a request with bad credentials, or none where anonymous requests are off, is a 401. */
  private async authenticate(req: IncomingMessage): Promise<UserInfo> {
    try {
      const user = await this.gate.authenticator.authenticate(req);
      if (user) return user;
    } catch (err) {
      if (!(err instanceof AuthenticationError)) throw err;
      this.log.debug('authentication failed', { error: err.message });
    }
    throw unauthorized();
  }

  private record(info: RequestInfo, method: string, code: number, started: bigint): void {
    const resource = findResource(info.apiGroup, info.apiVersion, info.resource);
    const labels = {
      verb: verbLabel(info, method),
      dry_run: '',
      group: info.apiGroup,
      version: info.apiVersion,
      resource: resource ? info.resource : '',
      subresource: info.subresource,
      scope: !info.isResourceRequest ? '' : info.namespace ? 'namespace' : info.name ? 'resource' : 'cluster',
      component: 'apiserver',
    };
    this.metrics.requestTotal.inc({ ...labels, code: String(code) });
    if (labels.verb !== 'WATCH') this.metrics.requestDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
  }

  private async route(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, info: RequestInfo, user: UserInfo): Promise<number> {
    if (path === '/healthz' || path === '/livez' || path === '/readyz' || /^\/(healthz|livez|readyz)\/[^/]+$/.test(path)) {
      const checks = this.healthChecks();
      if (path.startsWith('/readyz')) checks.push({ name: 'informer-sync', check: async () => this.ready });
      await serveHealth(res, path, checks, query);
      return res.statusCode;
    }
    if (path === '/version') {
      writeJson(res, 200, versionInfo());
      return 200;
    }
    if (path === '/metrics') {
      writeText(res, 200, await this.metrics.registry.metrics(), this.metrics.registry.contentType);
      return 200;
    }
    if (path.startsWith('/openapi/v3') && serveOpenApi(res, path)) return 200;
    if (!info.isResourceRequest) {
      if (serveDiscovery(req, res, path, `${req.socket.localAddress}:${req.socket.localPort}`)) return 200;
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    }
    const resource = findResource(info.apiGroup, info.apiVersion, info.resource);
    if (!resource) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    if (resource.namespaced === false && info.namespace && info.resource !== 'namespaces') throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    if (!resource.stored) return serveReview(req, res, resource, info.verb, user, this.gate.authorizer);
    return serveResource({
      req,
      res,
      info,
      query,
      write: { user, dryRun: dryRunOf(query), fieldManager: fieldManagerOf(query.get('fieldManager'), req.headers['user-agent']) },
      registry: this.registryOf(info.resource),
      registryOf: (r) => this.registryOf(r),
      metrics: this.metrics,
      bookmarkIntervalMs: this.options.bookmarkIntervalMs ?? 60_000,
      tokenIssuer: this.gate.tokenIssuer,
    });
  }
}
