import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  AuthenticationError,
  forbiddenStatus,
  requestAttributes,
  unauthorizedStatus,
  type Auth,
  type CertificateAndKey,
  type UserInfo,
} from '../../../src/apiserver/auth/index.js';

/**
 * A small HTTPS server that puts a request through the authenticator and authorizer as the
 * apiserver will, then answers just enough of the API for kubectl: /version, /api, /apis,
 * /api/v1 (pods only), and an empty list for any allowed list. /whoami answers with the
 * authenticated user before authorization, as a SelfSubjectReview would.
 */
export interface AuthTestServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function answer(req: IncomingMessage, res: ServerResponse, path: string, verb: string): void {
  switch (path) {
    case '/version':
      return sendJson(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.0-flotilla', platform: 'linux/amd64' });
    case '/api':
      return sendJson(res, 200, {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: req.socket.localAddress ?? '' }],
      });
    case '/apis':
      return sendJson(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
    case '/api/v1':
      return sendJson(res, 200, {
        kind: 'APIResourceList',
        groupVersion: 'v1',
        resources: [{ name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list', 'watch'], shortNames: ['po'] }],
      });
  }
  if (verb === 'list') return sendJson(res, 200, { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [] });
  return sendJson(res, 404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404 });
}

async function handle(auth: Auth, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let user: UserInfo | null;
  try {
    user = await auth.authenticator.authenticate(req);
  } catch (err) {
    if (err instanceof AuthenticationError) return sendJson(res, 401, unauthorizedStatus());
    throw err;
  }
  if (!user) return sendJson(res, 401, unauthorizedStatus());
  const attrs = requestAttributes(req.method ?? 'GET', req.url ?? '/', user);
  if (attrs.path === '/whoami') return sendJson(res, 200, user);
  const decision = await auth.authorizer.authorize(attrs);
  if (!decision.allowed) return sendJson(res, 403, forbiddenStatus(attrs, decision.reason));
  answer(req, res, attrs.path, attrs.verb);
}

export async function startAuthTestServer(auth: Auth, serving: CertificateAndKey): Promise<AuthTestServer> {
  const server: Server = createServer({ cert: serving.certPem, key: serving.keyPem, ...auth.tls }, (req, res) => {
    handle(auth, req, res).catch((err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
