import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AlwaysAllowAuthorizer, AlwaysDenyAuthorizer, PrivilegedGroupsAuthorizer, UnionAuthorizer } from './authorizers.js';
import { BearerTokenAuthenticator } from './authn/bearer-token.js';
import { ClientCertificateAuthenticator, parseCertificateBundle } from './authn/client-certificate.js';
import { loadServiceAccountPublicKeys, loadServiceAccountSigningKey } from './authn/service-account-keys.js';
import {
  DefaultServiceAccountIssuer,
  ServiceAccountTokenAuthenticator,
  ServiceAccountTokenIssuer,
  type ServiceAccountLookup,
} from './authn/service-account-token.js';
import type { TokenAuthenticator } from './authn/token-authenticator.js';
import { loadTokenFile, TokenFileAuthenticator } from './authn/token-file.js';
import { UnionAuthenticator } from './authn/union.js';
import { AuthConfigError } from './errors.js';
import { RbacAuthorizer } from './rbac/authorizer.js';
import type { RbacObjects } from './rbac/types.js';
import type { Authenticator, Authorizer } from './types.js';

/** kube-apiserver's authentication and authorization flags, parsed (lists already split on commas). */
export interface AuthFlags {
  /** --token-auth-file */
  readonly tokenAuthFile?: string;
  /** --client-ca-file */
  readonly clientCaFile?: string;
  /** --service-account-key-file (repeatable): public keys that verify tokens. */
  readonly serviceAccountKeyFiles?: readonly string[];
  /** --service-account-signing-key-file: the private key that mints tokens; its public half also verifies. */
  readonly serviceAccountSigningKeyFile?: string;
  /** --service-account-issuer (repeatable): the first is written into new tokens, all are accepted. */
  readonly serviceAccountIssuers?: readonly string[];
  /** --api-audiences; defaults to the issuers. */
  readonly apiAudiences?: readonly string[];
  /** --anonymous-auth; defaults to true, as in Kubernetes. */
  readonly anonymousAuth?: boolean;
  /** --authorization-mode: AlwaysAllow, AlwaysDeny, RBAC; defaults to AlwaysAllow, as in Kubernetes. */
  readonly authorizationModes?: readonly string[];
}

/** What the apiserver supplies besides flags. */
export interface AuthEnvironment {
  /** Milliseconds since the epoch; token and certificate expiry are judged by it. */
  readonly now?: () => number;
  /** Rejects tokens of deleted (or deleted and recreated) service accounts when given. */
  readonly serviceAccountLookup?: ServiceAccountLookup;
}

/** Options to spread into https.createServer so that clients are asked for certificates. */
export interface ClientCertificateTlsOptions {
  readonly requestCert: boolean;
  /** Never reject at the handshake: a request without a certificate may still carry a token. */
  readonly rejectUnauthorized: false;
  readonly ca?: string;
}

/** The apiserver's authentication and authorization, built from its flags. */
export interface Auth {
  readonly authenticator: Authenticator;
  readonly authorizer: Authorizer;
  /** Mints service-account tokens; null without --service-account-signing-key-file. */
  readonly tokenIssuer: ServiceAccountTokenIssuer | null;
  readonly tls: ClientCertificateTlsOptions;
  /** What Kubernetes would log as warnings (empty or repeated tokens in the token file). */
  readonly warnings: readonly string[];
}

function buildAuthorizer(modes: readonly string[], rbacObjects: RbacObjects | null): Authorizer {
  if (modes.length === 0) throw new AuthConfigError('--authorization-mode needs at least one mode');
  const authorizers = modes.map((mode): Authorizer => {
    switch (mode) {
      case 'AlwaysAllow':
        return new AlwaysAllowAuthorizer();
      case 'AlwaysDeny':
        return new AlwaysDenyAuthorizer();
      case 'RBAC':
        if (!rbacObjects) throw new AuthConfigError('--authorization-mode=RBAC needs the RBAC objects');
        return new RbacAuthorizer(rbacObjects);
      default:
        throw new AuthConfigError(`authorization mode ${JSON.stringify(mode)} is not supported (AlwaysAllow, AlwaysDeny, RBAC)`);
    }
  });
  // As kube-apiserver does, system:masters passes before any mode is asked.
  return new UnionAuthorizer([new PrivilegedGroupsAuthorizer(), ...authorizers]);
}

async function serviceAccountParts(
  flags: AuthFlags,
  env: AuthEnvironment,
  now: () => number,
): Promise<{ tokenAuthenticator: TokenAuthenticator | null; issuer: ServiceAccountTokenIssuer | null }> {
  const issuers = flags.serviceAccountIssuers?.length ? flags.serviceAccountIssuers : [DefaultServiceAccountIssuer];
  const audiences = flags.apiAudiences?.length ? flags.apiAudiences : issuers;
  const signingKey: KeyObject | null = flags.serviceAccountSigningKeyFile
    ? await loadServiceAccountSigningKey(flags.serviceAccountSigningKeyFile)
    : null;
  const publicKeys = await loadServiceAccountPublicKeys(flags.serviceAccountKeyFiles ?? []);
  if (signingKey) publicKeys.push(createPublicKey(signingKey));
  if (publicKeys.length === 0) return { tokenAuthenticator: null, issuer: null };
  return {
    tokenAuthenticator: new ServiceAccountTokenAuthenticator({
      issuers,
      audiences,
      publicKeys,
      now,
      ...(env.serviceAccountLookup ? { lookup: env.serviceAccountLookup } : {}),
    }),
    issuer: signingKey ? new ServiceAccountTokenIssuer(signingKey, issuers[0], audiences) : null,
  };
}

/**
 * Builds the authenticator (client certificates, then token file, then service-account tokens,
 * then anonymous), the authorizer (the modes in order, behind system:masters), the token issuer,
 * and the TLS options that make the server ask for client certificates. rbacObjects may be null
 * when RBAC is not among the modes.
 */
export async function buildAuth(flags: AuthFlags, rbacObjects: RbacObjects | null, env: AuthEnvironment = {}): Promise<Auth> {
  const now = env.now ?? Date.now;
  const authenticators: Authenticator[] = [];
  let ca: string | undefined;
  if (flags.clientCaFile) {
    ca = await readFile(flags.clientCaFile, 'utf8');
    authenticators.push(new ClientCertificateAuthenticator(parseCertificateBundle(ca, flags.clientCaFile), now));
  }
  const tokenAuthenticators: TokenAuthenticator[] = [];
  const warnings: string[] = [];
  if (flags.tokenAuthFile) {
    const tokenFile = await loadTokenFile(flags.tokenAuthFile);
    warnings.push(...tokenFile.warnings);
    tokenAuthenticators.push(new TokenFileAuthenticator(tokenFile.users));
  }
  const serviceAccounts = await serviceAccountParts(flags, env, now);
  if (serviceAccounts.tokenAuthenticator) tokenAuthenticators.push(serviceAccounts.tokenAuthenticator);
  if (tokenAuthenticators.length > 0) authenticators.push(new BearerTokenAuthenticator(tokenAuthenticators));

  return {
    authenticator: new UnionAuthenticator(authenticators, flags.anonymousAuth ?? true),
    authorizer: buildAuthorizer(flags.authorizationModes ?? ['AlwaysAllow'], rbacObjects),
    tokenIssuer: serviceAccounts.issuer,
    tls: { requestCert: ca !== undefined, rejectUnauthorized: false, ...(ca === undefined ? {} : { ca }) },
    warnings,
  };
}
