import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { decodeKubeProtobuf } from '../protobuf/kube-protobuf.js';
import { StatusError, badRequest } from '../status-error.js';

/** Writes a JSON body with its status code (HEAD gets the headers only). */
export function writeJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-cache, private' });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

/** Writes a failure as a Kubernetes Status; anything that is not a StatusError is a 500. */
export function writeError(res: ServerResponse, err: unknown): number {
  const status = err instanceof StatusError ? err : new StatusError(500, 'InternalError', `Internal error occurred: ${(err as Error)?.message ?? String(err)}`);
  if (res.headersSent) {
    res.destroy();
    return status.code;
  }
  writeJson(res, status.code, status.toStatus());
  return status.code;
}

export function writeText(res: ServerResponse, code: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(code, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-cache, private' });
  res.end(text);
}

/** The largest body accepted (kube-apiserver's limit for a write is 3 MiB). */
const MAX_BODY = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new StatusError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A request body as JSON; YAML and (for the kinds ../protobuf reads) protobuf bodies are accepted too. */
export async function readObjectBody(req: IncomingMessage): Promise<unknown> {
  const body = await readOptionalObjectBody(req);
  if (body === undefined) throw badRequest('the body of the request was empty');
  return body;
}

/** As readObjectBody, but an empty body (a DELETE without options) is undefined. */
export async function readOptionalObjectBody(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req);
  if (body.length === 0) return undefined;
  const type = (req.headers['content-type'] ?? 'application/json').split(';')[0].trim();
  try {
    if (type === 'application/yaml' || type === 'application/apply-patch+yaml') return parseYaml(body.toString('utf8'));
    if (type === 'application/vnd.kubernetes.protobuf') {
      const decoded = decodeKubeProtobuf(body);
      if (decoded) return decoded;
      throw new StatusError(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (protobuf only for Namespace, ConfigMap, Secret, ServiceAccount, Pod, Service, Deployment, TokenRequest, DeleteOptions, the RBAC kinds and the self-subject reviews)');
    }
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    if (err instanceof StatusError) throw err;
    const format = type === 'application/yaml' ? 'YAML' : type === 'application/vnd.kubernetes.protobuf' ? 'protobuf' : 'JSON';
    throw badRequest(`the object provided is unrecognized (must be of type ${format}): ${(err as Error).message}`);
  }
}

/** Does the client want a meta.k8s.io Table (as `kubectl get` asks) rather than the objects? */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return params.includes('as=Table') && params.includes('g=meta.k8s.io') && (params.includes('v=v1') || params.includes('v=v1beta1'));
  });
}

/** The Table apiVersion asked for: v1 unless only v1beta1 is acceptable. */
export function tableVersion(accept: string | undefined): string {
  const parts = (accept ?? '').split(',').filter((p) => p.includes('as=Table'));
  return parts.some((p) => p.includes('v=v1;') || p.trim().endsWith('v=v1')) ? 'meta.k8s.io/v1' : 'meta.k8s.io/v1beta1';
}
