import { Agent, request, type Dispatcher } from 'undici';
import type { KubeObject } from '../../api/object.js';
import { ApiError } from './api-error.js';
import { loadKubeconfig, type ClientConfig } from './kubeconfig.js';
import { resourcePath, type ResourceRef } from './resource-ref.js';
import { openWatch, type WatchOptions, type WatchStream } from './watch-stream.js';

/** A list answer: the items and the collection's resourceVersion (where a watch resumes) and continue token. */
export interface ObjectList<T extends KubeObject = KubeObject> {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  readonly items: T[];
}

export interface ListOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly limit?: number;
  readonly continue?: string;
  /** "0" answers from the apiserver's cache; undefined reads the newest, consistent state. */
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export type PatchType = 'merge' | 'strategic' | 'json';

const PATCH_CONTENT_TYPE: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

export interface DeleteOptions {
  readonly namespace?: string;
  readonly gracePeriodSeconds?: number;
  readonly propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
}

export interface RestClientOptions extends ClientConfig {
  /** How long one non-watch request may take (default 30 s). */
  readonly requestTimeoutMs?: number;
}

/**
 * A REST client for the Kubernetes API over undici: get, list, create, update, patch, delete,
 * subresources and watch, for any resource given as a ResourceRef. Failures throw ApiError with
 * the Status the apiserver answered. One connection pool per client; close() ends it.
 */
export class RestClient {
  readonly server: string;
  readonly defaultNamespace: string;
  private readonly agent: Agent;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  /** Aborted by close(): ends the open watches, which would otherwise keep the pool from closing. */
  private readonly closing = new AbortController();

  constructor(readonly config: RestClientOptions) {
    this.server = config.server.replace(/\/+$/, '');
    this.defaultNamespace = config.namespace ?? 'default';
    this.timeoutMs = config.requestTimeoutMs ?? 30_000;
    this.agent = new Agent({
      connect: {
        ca: config.certificateAuthorityPem,
        cert: config.clientCertificatePem,
        key: config.clientKeyPem,
        rejectUnauthorized: !config.insecureSkipTlsVerify,
      },
      keepAliveTimeout: 30_000,
      connections: 64,
    });
    this.headers = {
      accept: 'application/json',
      'user-agent': config.userAgent ?? 'flotilla-client',
      ...(config.token ? { authorization: `Bearer ${config.token}` } : {}),
    };
  }

  /** A client for the current context of a kubeconfig file. */
  static async fromKubeconfig(path: string, options: { context?: string; userAgent?: string; requestTimeoutMs?: number } = {}): Promise<RestClient> {
    const config = await loadKubeconfig(path, options.context);
    return new RestClient({ ...config, userAgent: options.userAgent, requestTimeoutMs: options.requestTimeoutMs });
  }

  async get<T extends KubeObject = KubeObject>(ref: ResourceRef, name: string, options: { namespace?: string; subresource?: string } = {}): Promise<T> {
    return this.call<T>('GET', resourcePath(ref, this.ns(ref, options.namespace), name, options.subresource));
  }

  /** One page of a list (all namespaces for a namespaced resource when no namespace is given). */
  async list<T extends KubeObject = KubeObject>(ref: ResourceRef, options: ListOptions = {}): Promise<ObjectList<T>> {
    const query = new URLSearchParams();
    if (options.labelSelector) query.set('labelSelector', options.labelSelector);
    if (options.fieldSelector) query.set('fieldSelector', options.fieldSelector);
    if (options.limit) query.set('limit', String(options.limit));
    if (options.continue) query.set('continue', options.continue);
    if (options.resourceVersion !== undefined) query.set('resourceVersion', options.resourceVersion);
    if (options.resourceVersionMatch) query.set('resourceVersionMatch', options.resourceVersionMatch);
    return this.call<ObjectList<T>>('GET', withQuery(resourcePath(ref, options.namespace), query));
  }

  /** Every page of a list, followed through continue tokens; the resourceVersion is the first page's. */
  async listAll<T extends KubeObject = KubeObject>(ref: ResourceRef, options: Omit<ListOptions, 'continue'> = {}): Promise<ObjectList<T>> {
    const first = await this.list<T>(ref, options);
    const items = [...first.items];
    let token = first.metadata.continue;
    while (token) {
      const page = await this.list<T>(ref, { ...options, resourceVersion: undefined, resourceVersionMatch: undefined, continue: token });
      items.push(...page.items);
      token = page.metadata.continue;
    }
    return { ...first, metadata: { resourceVersion: first.metadata.resourceVersion }, items };
  }

  async create<T extends KubeObject = KubeObject>(ref: ResourceRef, obj: T, options: { namespace?: string } = {}): Promise<T> {
    return this.call<T>('POST', resourcePath(ref, this.ns(ref, options.namespace ?? obj.metadata.namespace)), obj);
  }

  /**
   * Replaces the object (or, with `subresource`, that part of it: status, finalize, scale); its
   * metadata.resourceVersion makes this a compare-and-swap (409 Conflict when stale).
   */
  async update<T extends KubeObject = KubeObject>(ref: ResourceRef, obj: T, options: { subresource?: string } = {}): Promise<T> {
    return this.call<T>('PUT', resourcePath(ref, this.ns(ref, obj.metadata.namespace), requireName(obj), options.subresource), obj);
  }

  async updateStatus<T extends KubeObject = KubeObject>(ref: ResourceRef, obj: T): Promise<T> {
    return this.update(ref, obj, { subresource: 'status' });
  }

  async patch<T extends KubeObject = KubeObject>(
    ref: ResourceRef,
    name: string,
    patch: unknown,
    type: PatchType,
    options: { namespace?: string; subresource?: string } = {},
  ): Promise<T> {
    return this.call<T>('PATCH', resourcePath(ref, this.ns(ref, options.namespace), name, options.subresource), patch, PATCH_CONTENT_TYPE[type]);
  }

  /** Deletes an object; answers what the apiserver answered (the object, or a Status). */
  async delete(ref: ResourceRef, name: string, options: DeleteOptions = {}): Promise<KubeObject> {
    const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
    if (options.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = options.gracePeriodSeconds;
    if (options.propagationPolicy) body.propagationPolicy = options.propagationPolicy;
    if (options.preconditions) body.preconditions = options.preconditions;
    return this.call<KubeObject>('DELETE', resourcePath(ref, this.ns(ref, options.namespace), name), body);
  }

  /** POST to a subresource, e.g. pods/<name>/binding or serviceaccounts/<name>/token. */
  async createSubresource<T = KubeObject>(ref: ResourceRef, name: string, subresource: string, body: unknown, options: { namespace?: string } = {}): Promise<T> {
    return this.call<T>('POST', resourcePath(ref, this.ns(ref, options.namespace), name, subresource), body);
  }

  /** Opens a watch: a stream of {type, object} events until it ends, fails or is aborted. */
  watch<T extends KubeObject = KubeObject>(ref: ResourceRef, options: WatchOptions = {}): Promise<WatchStream<T>> {
    const query = new URLSearchParams({ watch: 'true' });
    if (options.resourceVersion !== undefined) query.set('resourceVersion', options.resourceVersion);
    if (options.labelSelector) query.set('labelSelector', options.labelSelector);
    if (options.fieldSelector) query.set('fieldSelector', options.fieldSelector);
    if (options.allowWatchBookmarks) query.set('allowWatchBookmarks', 'true');
    if (options.timeoutSeconds !== undefined) query.set('timeoutSeconds', String(options.timeoutSeconds));
    const url = this.server + withQuery(resourcePath(ref, options.namespace), query);
    const signal = options.signal ? AbortSignal.any([options.signal, this.closing.signal]) : this.closing.signal;
    return openWatch<T>(url, this.agent, this.headers, signal);
  }

  /** Ends open watches, lets other requests finish, and closes the connection pool. */
  async close(): Promise<void> {
    this.closing.abort();
    await this.agent.close();
  }

  private ns(ref: ResourceRef, namespace: string | undefined): string | undefined {
    return ref.namespaced ? (namespace ?? this.defaultNamespace) : undefined;
  }

  private async call<T>(method: Dispatcher.HttpMethod, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const res = await request(this.server + path, {
      method,
      dispatcher: this.agent,
      headers: payload === undefined ? this.headers : { ...this.headers, 'content-type': contentType },
      body: payload,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    const text = await res.body.text();
    if (res.statusCode >= 400) throw ApiError.fromResponse(res.statusCode, text);
    return (text ? JSON.parse(text) : {}) as T;
  }
}

function withQuery(path: string, query: URLSearchParams): string {
  const q = query.toString();
  return q ? `${path}?${q}` : path;
}

function requireName(obj: KubeObject): string {
  if (!obj.metadata.name) throw new Error('the object has no metadata.name');
  return obj.metadata.name;
}
