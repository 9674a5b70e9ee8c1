import type { IncomingMessage } from 'node:http';
import type { KubeObject } from '../api/object.js';
import { ALL_RULES, bearerToken, buildAuth, type AuthFlags, type ServiceAccountTokenIssuer, type ClientCertificateTlsOptions, type RbacObjects as RbacPolicyObjects } from './auth/index.js';
import type { Authenticator, Authorizer, UserInfo } from './auth/types.js';
import type { RbacObjects } from './rbac-objects.js';

export type { Authenticator, Authorizer, RequestAttributes, UserInfo } from './auth/types.js';

/** The user the apiserver acts as for its own writes (bootstrap objects, namespace finalization). */
export const ADMIN: UserInfo = { name: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] };

/** What the request flow needs of ./auth/: who calls, whether they may, and how TLS asks for certificates. */
export interface AuthGate {
  readonly authenticator: Authenticator;
  readonly authorizer: Authorizer;
  readonly tls: ClientCertificateTlsOptions;
  /** Mints service-account tokens; null without --service-account-signing-key-file. */
  readonly tokenIssuer: ServiceAccountTokenIssuer | null;
}

/** Without authentication flags every request is the admin's and allowed (tests and local runs). */
export const OPEN_GATE: AuthGate = {
  authenticator: { authenticate: async (_req: IncomingMessage) => ADMIN },
  authorizer: { authorize: async () => ({ allowed: true, reason: '' }), rulesFor: async () => ALL_RULES },
  tls: { requestCert: false, rejectUnauthorized: false },
  tokenIssuer: null,
};

/**
 * Builds the gate from kube-apiserver's auth flags. RBAC reads roles and bindings from the watch
 * caches (the objects are the same JSON the rbac types describe); service-account tokens are
 * checked against the service account that still exists. An adminToken, when given, is accepted
 * as system:admin in system:masters (the credential of the kubeconfig the binary writes).
 */
export async function buildAuthGate(
  flags: AuthFlags,
  rbac: RbacObjects,
  serviceAccount: (namespace: string, name: string) => KubeObject | undefined,
  adminToken?: string,
): Promise<AuthGate> {
  const auth = await buildAuth(flags, rbac as unknown as RbacPolicyObjects, {
    serviceAccountLookup: async (namespace, name) => {
      const uid = serviceAccount(namespace, name)?.metadata.uid;
      return uid ? { uid } : null;
    },
  });
  if (!adminToken) return auth;
  const admin: UserInfo = { name: 'system:admin', groups: ['system:masters', 'system:authenticated'] };
  const authenticator: Authenticator = {
    authenticate: async (req) => (bearerToken(req) === adminToken ? admin : auth.authenticator.authenticate(req)),
  };
  return { ...auth, authenticator };
}
