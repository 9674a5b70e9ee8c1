import { request } from 'node:http';

/**
 * etcd's v2 HTTP client (go.etcd.io/etcd/client) as etcdctl's v2 commands use it: the
 * endpoints tried in turn, a per-request header timeout, a deadline for the whole call,
 * and the client's own errors, whose texts etcdctl prints.
 */

export const ERR_INVALID_JSON = 'client: response is invalid json. The endpoint is probably not valid etcd cluster endpoint';
export const ERR_EMPTY_BODY = 'client: response body is empty';
export const ERR_NO_ENDPOINTS = 'client: no endpoints available';

/** client.Error: what a v2 server answers a failed keys request with. */
export class V2Error extends Error {
  constructor(
    readonly errorCode: number,
    readonly reason: string,
    readonly errorCause: string,
    readonly index: number,
  ) {
    super(`${errorCode}: ${reason} (${errorCause}) [${index}]`);
    this.name = 'V2Error';
  }
}

/** client.ClusterError: every endpoint failed; `errors` are each one's failure. */
export class ClusterError extends Error {
  constructor(
    readonly errors: readonly EndpointFailure[],
  ) {
    super(`client: etcd cluster is unavailable or misconfigured${errors.map((e, i) => `; error #${i}: ${e.message}\n`).join('')}`);
    this.name = 'ClusterError';
  }

  detail(): string {
    return this.errors.map((e, i) => `error #${i}: ${e.message}\n`).join('');
  }

  /** All of them failed to connect (etcdctl then exits 2 rather than 4). */
  get connectionFailure(): boolean {
    return this.errors.every((e) => e.connection);
  }
}

export interface EndpointFailure {
  readonly message: string;
  readonly connection: boolean;
}

/** Go's context.DeadlineExceeded. */
export class DeadlineExceeded extends Error {
  constructor() {
    super('context deadline exceeded');
    this.name = 'DeadlineExceeded';
  }
}

/** A plain error of the client, printed as it is (ErrInvalidJSON, "unexpected status code 404"). */
export class V2ClientError extends Error {}

export interface V2Response {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export interface V2Request {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** Path below the endpoint, already escaped, with its query. */
  readonly path: string;
  readonly form?: string;
}

/**
 * An endpoint as Go's url.Parse reads it: `localhost:2379` is a URL of scheme "localhost",
 * which the transport then refuses.
 */
export type V2Endpoint = { readonly url: URL; readonly text: string } | { readonly unsupportedScheme: string; readonly text: string };

export function endpoint(text: string): V2Endpoint {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(text)?.[1];
  if (scheme === undefined) return endpoint(`http://${text}`);
  if (scheme.toLowerCase() !== 'http') return { unsupportedScheme: scheme, text };
  const url = new URL(text);
  return { url, text: goUrl(url) };
}

export class V2Client {
  private pinned = 0;

  constructor(
    private endpoints: V2Endpoint[],
    private readonly headerTimeoutMs: number,
  ) {}

  get endpointList(): string[] {
    return this.endpoints.map((e) => e.text);
  }

  /**
   * httpClusterClient.Do: each endpoint from the pinned one until one answers below 500.
   * A one-shot request (one that must not be repeated: a create, a delete) stops at the
   * first failure and reports it as it is.
   */
  async do(req: V2Request, deadline: number, oneShot = false): Promise<V2Response> {
    if (this.endpoints.length === 0) throw new V2ClientError(ERR_NO_ENDPOINTS);
    const failures: EndpointFailure[] = [];
    for (let i = this.pinned; i < this.pinned + this.endpoints.length; i++) {
      const k = i % this.endpoints.length;
      const ep = this.endpoints[k];
      let failure: EndpointFailure | undefined;
      let resp: V2Response | undefined;
      try {
        resp = await send(ep, req, this.headerTimeoutMs, deadline);
      } catch (err) {
        if (err instanceof DeadlineExceeded) throw err;
        failure = err as EndpointFailure;
      }
      if (resp && Math.floor(resp.status / 100) === 5) {
        const msg = resp.status === 500 || resp.status === 503 ? `client: etcd member ${ep.text} has no leader` : `client: etcd member ${ep.text} returns server error [${statusText(resp.status)}]`;
        failure = { message: msg, connection: false };
      }
      if (failure) {
        failures.push(failure);
        if (!oneShot) continue;
        this.pinned = (k + 1) % this.endpoints.length;
        throw new V2ClientError(failures[0].message);
      }
      this.pinned = k;
      return resp!;
    }
    throw new ClusterError(failures);
  }

  /** Sync: the members' client URLs become the endpoints. */
  async sync(deadline: number): Promise<void> {
    const resp = await this.do({ method: 'GET', path: '/v2/members' }, deadline);
    if (resp.status !== 200) throw new V2ClientError(`unexpected status code ${resp.status}`);
    let members: { clientURLs?: string[] }[];
    try {
      members = (JSON.parse(resp.body) as { members?: { clientURLs?: string[] }[] }).members ?? [];
    } catch (err) {
      throw new V2ClientError((err as Error).message);
    }
    const urls = members.flatMap((m) => m.clientURLs ?? []);
    if (urls.length === 0) throw new V2ClientError(ERR_NO_ENDPOINTS);
    const next = urls.map(endpoint);
    if (next.map((e) => e.text).join(',') !== this.endpointList.join(',')) {
      this.endpoints = next;
      this.pinned = 0;
    }
  }
}

/** One request to one endpoint; rejects with an EndpointFailure or DeadlineExceeded. */
function send(endpoint: V2Endpoint, req: V2Request, headerTimeoutMs: number, deadline: number): Promise<V2Response> {
  return new Promise((resolve, reject) => {
    const left = deadline - Date.now();
    if (left <= 0) return reject(new DeadlineExceeded());
    if (!('url' in endpoint)) return reject({ message: `unsupported protocol scheme ${JSON.stringify(endpoint.unsupportedScheme)}`, connection: false });
    const ep = endpoint.url;
    const headerDeadline = headerTimeoutMs > 0 ? Math.min(headerTimeoutMs, left) : left;
    const body = req.form;
    const r = request(
      {
        host: ep.hostname,
        port: ep.port || 80,
        method: req.method,
        path: `${ep.pathname.replace(/\/$/, '')}${req.path}`,
        headers: body !== undefined || req.method === 'DELETE' ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
      },
      (res) => {
        clearTimeout(timer);
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on('error', (err) => reject({ message: err.message, connection: false }));
      },
    );
    const timer = setTimeout(() => {
      r.destroy();
      if (Date.now() >= deadline) reject(new DeadlineExceeded());
      else reject({ message: `client: endpoint ${goUrl(ep)} exceeded header timeout`, connection: false });
    }, headerDeadline);
    r.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(dialFailure(ep, err));
    });
    r.end(body);
  });
}

/** Node's socket errors in the words of Go's net package. */
function dialFailure(ep: URL, err: NodeJS.ErrnoException): EndpointFailure {
  const address = `${ep.hostname}:${ep.port || 80}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return { message: `dial tcp ${address}: connect: connection refused`, connection: true };
    case 'ECONNRESET':
      return { message: `read tcp ${address}: read: connection reset by peer`, connection: true };
    case 'ETIMEDOUT':
      return { message: `dial tcp ${address}: i/o timeout`, connection: true };
    case 'ENOTFOUND':
      return { message: `dial tcp: lookup ${ep.hostname}: no such host`, connection: true };
    default:
      return { message: err.message, connection: false };
  }
}

/** url.URL.String() of an endpoint: no trailing slash for an empty path. */
export const goUrl = (u: URL) => `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;

function statusText(code: number): string {
  const texts: Record<number, string> = { 501: 'Not Implemented', 502: 'Bad Gateway', 504: 'Gateway Timeout', 505: 'HTTP Version Not Supported' };
  return texts[code] ?? '';
}
