import { ERR_EMPTY_BODY, ERR_INVALID_JSON, V2ClientError, V2Error, type V2Client, type V2Request } from './v2-client.js';

/** client.Node: a v2 key or directory. */
export interface V2Node {
  readonly key: string;
  readonly dir: boolean;
  readonly value: string;
  readonly nodes?: V2Node[];
  readonly createdIndex: number;
  readonly modifiedIndex: number;
  readonly expiration?: string;
  readonly ttl: number;
}

/** client.Response: what a keys request answers, with the X-Etcd-Index header as `index`. */
export interface V2KeysResponse {
  readonly action: string;
  readonly node?: V2Node;
  readonly prevNode?: V2Node;
  readonly index: number;
}

export interface SetOptions {
  readonly ttl?: number;
  readonly prevValue?: string;
  readonly prevIndex?: number;
  readonly prevExist?: 'true' | 'false';
  readonly dir?: boolean;
}

export interface DeleteOptions {
  readonly prevValue?: string;
  readonly prevIndex?: number;
  readonly dir?: boolean;
  readonly recursive?: boolean;
}

/** client.KeysAPI over /v2/keys: the requests it builds and how it reads the answers. */
export class KeysApi {
  constructor(private readonly client: V2Client) {}

  async set(key: string, value: string, o: SetOptions, deadline: number): Promise<V2KeysResponse> {
    const params: [string, string][] = [];
    const form: [string, string][] = [];
    if (o.dir) params.push(['dir', 'true']);
    else {
      if (o.prevValue) params.push(['prevValue', o.prevValue]);
      form.push(['value', value]);
    }
    if (o.prevIndex) params.push(['prevIndex', String(o.prevIndex)]);
    if (o.prevExist) params.push(['prevExist', o.prevExist]);
    if (o.ttl && o.ttl > 0) form.push(['ttl', String(o.ttl)]);
    // Creating (prevExist=false) must not be repeated on another member.
    return this.send({ method: 'PUT', path: keysPath(key, params), form: queryEncode(form) }, deadline, o.prevExist === 'false');
  }

  async createInOrder(dir: string, value: string, ttl: number, deadline: number): Promise<V2KeysResponse> {
    const form: [string, string][] = [['value', value]];
    if (ttl > 0) form.push(['ttl', String(ttl)]);
    return this.send({ method: 'POST', path: keysPath(dir, []), form: queryEncode(form) }, deadline);
  }

  async get(key: string, o: { recursive?: boolean; sort?: boolean; quorum?: boolean }, deadline: number): Promise<V2KeysResponse> {
    const params: [string, string][] = [
      ['recursive', String(!!o.recursive)],
      ['sorted', String(!!o.sort)],
      ['quorum', String(!!o.quorum)],
    ];
    return this.send({ method: 'GET', path: keysPath(key, params) }, deadline);
  }

  async delete(key: string, o: DeleteOptions, deadline: number): Promise<V2KeysResponse> {
    const params: [string, string][] = [];
    if (o.prevValue) params.push(['prevValue', o.prevValue]);
    if (o.prevIndex) params.push(['prevIndex', String(o.prevIndex)]);
    if (o.dir) params.push(['dir', 'true']);
    if (o.recursive) params.push(['recursive', 'true']);
    return this.send({ method: 'DELETE', path: keysPath(key, params) }, deadline, true);
  }

  private async send(req: V2Request, deadline: number, oneShot = false): Promise<V2KeysResponse> {
    const resp = await this.client.do(req, deadline, oneShot);
    if (resp.status === 200 || resp.status === 201) {
      if (resp.body.length === 0) throw new V2ClientError(ERR_EMPTY_BODY);
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(resp.body) as Record<string, unknown>;
      } catch {
        throw new V2ClientError(ERR_INVALID_JSON);
      }
      const index = resp.headers['x-etcd-index'];
      return { action: String(parsed.action ?? ''), node: node(parsed.node), prevNode: node(parsed.prevNode), index: index === undefined ? 0 : Number(index) };
    }
    let failure: Record<string, unknown>;
    try {
      failure = JSON.parse(resp.body) as Record<string, unknown>;
    } catch {
      throw new V2ClientError(ERR_INVALID_JSON);
    }
    throw new V2Error(Number(failure.errorCode ?? 0), String(failure.message ?? ''), String(failure.cause ?? ''), Number(failure.index ?? 0));
  }
}

function node(raw: unknown): V2Node | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const n = raw as Record<string, unknown>;
  return {
    key: String(n.key ?? ''),
    dir: n.dir === true,
    value: String(n.value ?? ''),
    nodes: Array.isArray(n.nodes) ? n.nodes.map((c) => node(c)!).filter(Boolean) : undefined,
    createdIndex: Number(n.createdIndex ?? 0),
    modifiedIndex: Number(n.modifiedIndex ?? 0),
    expiration: typeof n.expiration === 'string' ? n.expiration : undefined,
    ttl: Number(n.ttl ?? 0),
  };
}

/** v2KeysURL: /v2/keys + the key, cleaned as path.Clean does (a trailing slash kept), escaped as url.URL escapes paths. */
function keysPath(key: string, params: [string, string][]): string {
  const raw = `/v2/keys${key !== '' && !key.startsWith('/') ? '/' : ''}${key}`;
  let clean = cleanPath(raw);
  if (raw.endsWith('/') && clean !== '/') clean += '/';
  const query = queryEncode(params);
  return `${escapePath(clean)}${query ? `?${query}` : ''}`;
}

/** path.Clean for absolute paths. */
function cleanPath(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

function escapeWith(s: string, keep: RegExp, spaceAsPlus: boolean): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (b < 0x80 && (UNRESERVED.test(c) || keep.test(c))) out += c;
    else if (spaceAsPlus && c === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const escapePath = (p: string) => escapeWith(p, /[$&+,/:;=@]/, false);

/** url.Values.Encode: keys sorted, QueryEscape'd. */
function queryEncode(pairs: [string, string][]): string {
  return [...pairs]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${escapeWith(k, /$^/, true)}=${escapeWith(v, /$^/, true)}`)
    .join('&');
}

/** encoding/json of client.Response, as `-o json` prints it. */
export function responseJson(r: V2KeysResponse): string {
  return `{"action":${JSON.stringify(r.action)},"node":${nodeJson(r.node)},"prevNode":${nodeJson(r.prevNode)}}`;
}

function nodeJson(n: V2Node | undefined): string {
  if (!n) return 'null';
  let s = `{"key":${goString(n.key)}`;
  if (n.dir) s += ',"dir":true';
  s += `,"value":${goString(n.value)},"nodes":${n.nodes ? `[${n.nodes.map(nodeJson).join(',')}]` : 'null'},"createdIndex":${n.createdIndex},"modifiedIndex":${n.modifiedIndex}`;
  if (n.expiration) s += `,"expiration":${JSON.stringify(n.expiration)}`;
  if (n.ttl) s += `,"ttl":${n.ttl}`;
  return `${s}}`;
}

/** encoding/json escapes <, > and & too. */
const goString = (s: string) => JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
