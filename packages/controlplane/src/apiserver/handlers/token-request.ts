import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceAccountTokenIssuer } from '../auth/index.js';
import type { ResourceRegistry } from '../registry/registry.js';
import { StatusError, badRequest } from '../status-error.js';
import { readObjectBody, writeJson } from './responses.js';

type Json = Record<string, any>;

/** Kubernetes' bounds on a requested token lifetime (10 minutes to 2^32 seconds). */
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;

/**
 * POST serviceaccounts/<name>/token (authentication.k8s.io/v1 TokenRequest), what
 * `kubectl create token` calls: a signed, audience-bound token for a service account that
 * exists now (its uid goes into the token, so a recreated account does not inherit it).
 */
export async function serveTokenRequest(
  req: IncomingMessage,
  res: ServerResponse,
  serviceAccounts: ResourceRegistry,
  issuer: ServiceAccountTokenIssuer | null,
  namespace: string,
  name: string,
): Promise<number> {
  if (!issuer) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource: no --service-account-signing-key-file is configured');
  const body = (await readObjectBody(req)) as Json;
  if (body.kind !== undefined && body.kind !== 'TokenRequest') throw badRequest(`expected a TokenRequest, got ${String(body.kind)}`);
  const spec = (body.spec ?? {}) as Json;
  const expirationSeconds = spec.expirationSeconds ?? 3600;
  if (!Number.isInteger(expirationSeconds) || expirationSeconds < MIN_EXPIRATION_SECONDS || expirationSeconds > MAX_EXPIRATION_SECONDS) {
    const why = expirationSeconds > MAX_EXPIRATION_SECONDS ? 'may not specify a duration larger than 2^32 seconds' : 'may not specify a duration less than 10 minutes';
    throw new StatusError(422, 'Invalid', `TokenRequest.authentication.k8s.io "${name}" is invalid: spec.expirationSeconds: Invalid value: ${JSON.stringify(expirationSeconds)}: ${why}`, {
      name,
      group: 'authentication.k8s.io',
      kind: 'TokenRequest',
      causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(expirationSeconds)}: ${why}`, field: 'spec.expirationSeconds' }],
    });
  }
  const account = await serviceAccounts.get(namespace, name);
  const audiences = Array.isArray(spec.audiences) && spec.audiences.length > 0 ? (spec.audiences as string[]) : undefined;
  const issued = issuer.issue({ namespace, name, uid: String(account.metadata.uid), audiences, expirationSeconds }, Date.now());
  const claims = JSON.parse(Buffer.from(issued.token.split('.')[1], 'base64url').toString('utf8')) as { aud: string[] | string };
  writeJson(res, 201, {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace, creationTimestamp: null },
    spec: { audiences: ([] as string[]).concat(claims.aud), expirationSeconds, boundObjectRef: null },
    status: { token: issued.token, expirationTimestamp: issued.expirationTimestamp.toISOString().replace(/\.\d{3}Z$/, 'Z') },
  });
  return 201;
}
