import { randomUUID, type KeyObject } from 'node:crypto';
import { AuthenticationError } from '../errors.js';
import { serviceAccountUser, serviceAccountUserName } from '../service-account-user.js';
import type { UserInfo } from '../types.js';
import { decodeJwt, signJwtRs256, verificationKey, verifyJwtSignature, type VerificationKey } from './jwt.js';
import type { TokenAuthenticator } from './token-authenticator.js';

/** The issuer kube-apiserver is usually given (--service-account-issuer), ours when none is. */
export const DefaultServiceAccountIssuer = 'https://kubernetes.default.svc.cluster.local';
/** TokenRequest's default lifetime. */
export const DefaultTokenExpirationSeconds = 3600;

/** The object a token is bound to: it dies with that pod or secret. */
export interface BoundObjectRef {
  readonly kind: 'Pod' | 'Secret';
  readonly name: string;
  readonly uid: string;
}

/** What to mint a token for: a TokenRequest's service account and spec. */
export interface ServiceAccountTokenRequest {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  /** Defaults to the issuer's default audiences. */
  readonly audiences?: readonly string[];
  readonly expirationSeconds?: number;
  readonly boundObjectRef?: BoundObjectRef;
}

export interface IssuedToken {
  readonly token: string;
  /** When the token stops working (TokenRequest status.expirationTimestamp). */
  readonly expirationTimestamp: Date;
}

/** The `kubernetes.io` private claim of a bound service-account token. */
interface KubernetesClaim {
  readonly namespace: string;
  readonly serviceaccount: { readonly name: string; readonly uid: string };
  readonly pod?: { readonly name: string; readonly uid: string };
  readonly secret?: { readonly name: string; readonly uid: string };
}

/**
 * Mints service-account tokens (TokenRequest, the kubeconfig of an in-cluster client) as
 * kube-apiserver does: RS256 JWTs with iss, sub, aud, iat, nbf, exp, jti and the kubernetes.io
 * claim. `now` is milliseconds since the epoch, passed in so that expiry is testable.
 */
export class ServiceAccountTokenIssuer {
  constructor(
    private readonly signingKey: KeyObject,
    readonly issuer: string = DefaultServiceAccountIssuer,
    private readonly defaultAudiences: readonly string[] = [issuer],
  ) {
    if (signingKey.type !== 'private' || signingKey.asymmetricKeyType !== 'rsa') {
      throw new TypeError('a service-account signing key must be an RSA private key');
    }
  }

  issue(request: ServiceAccountTokenRequest, now: number): IssuedToken {
    const issuedAt = Math.floor(now / 1000);
    const expiresAt = issuedAt + (request.expirationSeconds ?? DefaultTokenExpirationSeconds);
    const bound = request.boundObjectRef;
    const kubernetes: KubernetesClaim = {
      namespace: request.namespace,
      serviceaccount: { name: request.name, uid: request.uid },
      ...(bound?.kind === 'Pod' ? { pod: { name: bound.name, uid: bound.uid } } : {}),
      ...(bound?.kind === 'Secret' ? { secret: { name: bound.name, uid: bound.uid } } : {}),
    };
    const token = signJwtRs256(
      {
        aud: [...(request.audiences ?? this.defaultAudiences)],
        exp: expiresAt,
        iat: issuedAt,
        iss: this.issuer,
        jti: randomUUID(),
        'kubernetes.io': kubernetes,
        nbf: issuedAt,
        sub: serviceAccountUserName(request.namespace, request.name),
      },
      this.signingKey,
    );
    return { token, expirationTimestamp: new Date(expiresAt * 1000) };
  }
}

/** Confirms the account a token names still exists with that uid; null when it is gone. */
export type ServiceAccountLookup = (namespace: string, name: string) => Promise<{ readonly uid: string } | null>;

export interface ServiceAccountTokenAuthenticatorOptions {
  /** Tokens from other issuers are not ours: another token authenticator may know them. */
  readonly issuers: readonly string[];
  /** A token must name at least one (--api-audiences). */
  readonly audiences: readonly string[];
  readonly publicKeys: readonly KeyObject[];
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly lookup?: ServiceAccountLookup;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Reads the kubernetes.io claim, or says which part is missing. */
function kubernetesClaim(value: unknown): KubernetesClaim {
  const claim = value as Partial<KubernetesClaim> | undefined;
  const account = claim?.serviceaccount;
  if (typeof claim?.namespace !== 'string' || typeof account?.name !== 'string' || typeof account.uid !== 'string') {
    throw new AuthenticationError('service account token is missing the kubernetes.io namespace and serviceaccount claims');
  }
  return claim as KubernetesClaim;
}

/**
 * Verifies service-account JWTs: a token from one of our issuers must carry a valid RS256
 * signature by one of our keys, an audience we serve, a time window containing now, and a
 * subject agreeing with its kubernetes.io claim; anything less is a 401.
 */
export class ServiceAccountTokenAuthenticator implements TokenAuthenticator {
  private readonly keys: readonly VerificationKey[];

  constructor(private readonly options: ServiceAccountTokenAuthenticatorOptions) {
    this.keys = options.publicKeys.map(verificationKey);
  }

  async authenticateToken(token: string): Promise<UserInfo | null> {
    const jwt = decodeJwt(token);
    if (!jwt || typeof jwt.payload.iss !== 'string' || !this.options.issuers.includes(jwt.payload.iss)) return null;
    if (!verifyJwtSignature(jwt, this.keys)) throw new AuthenticationError('service account token has an invalid signature');

    const claims = jwt.payload;
    const nowSeconds = this.options.now() / 1000;
    if (typeof claims.exp !== 'number') throw new AuthenticationError('service account token has no expiry (exp)');
    if (nowSeconds >= claims.exp) throw new AuthenticationError('service account token has expired');
    if (typeof claims.nbf === 'number' && nowSeconds < claims.nbf) {
      throw new AuthenticationError('service account token is not valid yet');
    }
    const audiences = typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
    if (!isStringArray(audiences) || !audiences.some((aud) => this.options.audiences.includes(aud))) {
      throw new AuthenticationError(`service account token audiences ${JSON.stringify(audiences)} are not among ${JSON.stringify(this.options.audiences)}`);
    }
    const kubernetes = kubernetesClaim(claims['kubernetes.io']);
    const { namespace } = kubernetes;
    const { name, uid } = kubernetes.serviceaccount;
    if (claims.sub !== serviceAccountUserName(namespace, name)) {
      throw new AuthenticationError('service account token subject does not match its kubernetes.io claim');
    }
    if (this.options.lookup) {
      const account = await this.options.lookup(namespace, name);
      if (!account) throw new AuthenticationError(`service account ${namespace}/${name} has been deleted`);
      if (account.uid !== uid) throw new AuthenticationError(`service account ${namespace}/${name} was recreated (uid ${account.uid}, token for ${uid})`);
    }
    return serviceAccountUser(namespace, name, uid);
  }
}
