import { expect } from 'chai';
import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  AuthConfigError,
  AuthenticationError,
  loadServiceAccountPublicKeys,
  loadServiceAccountSigningKey,
  ServiceAccountTokenAuthenticator,
  ServiceAccountTokenIssuer,
  createCertificateAuthority,
  type ServiceAccountLookup,
  type ServiceAccountTokenRequest,
} from '../../src/apiserver/auth/index.js';
import { makeTempDir } from './support/temp-dir.js';

const Issuer = 'https://kubernetes.default.svc.cluster.local';
const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);
const WebAccount: ServiceAccountTokenRequest = { namespace: 'shop', name: 'web', uid: 'sa-uid-1' };

function rsaKey(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

async function rejection(promise: Promise<unknown>): Promise<AuthenticationError> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(AuthenticationError);
    return err as AuthenticationError;
  }
  throw new Error('expected the token to be rejected');
}

/** Replaces a token's payload while keeping its header and signature: a forgery. */
function withPayload(token: string, edit: (claims: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  edit(claims);
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

describe('service-account tokens', () => {
  const signingKey = rsaKey();
  const otherKey = rsaKey();
  const issuer = new ServiceAccountTokenIssuer(signingKey, Issuer);
  let now = T0;
  const authenticatorWith = (overrides: Partial<ConstructorParameters<typeof ServiceAccountTokenAuthenticator>[0]> = {}) =>
    new ServiceAccountTokenAuthenticator({
      issuers: [Issuer],
      audiences: [Issuer],
      publicKeys: [createPublicKey(signingKey)],
      now: () => now,
      ...overrides,
    });
  beforeEach(() => {
    now = T0;
  });

  it('issues a JWT that verifies as system:serviceaccount:<ns>:<name> in the service-account groups', async () => {
    const { token, expirationTimestamp } = issuer.issue(WebAccount, T0);
    expect(expirationTimestamp.toISOString()).to.equal('2030-01-01T13:00:00.000Z');
    expect(await authenticatorWith().authenticateToken(token)).to.deep.equal({
      name: 'system:serviceaccount:shop:web',
      uid: 'sa-uid-1',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:shop'],
    });
  });

  it('carries the Kubernetes claims: iss, sub, aud, exp, iat, nbf and kubernetes.io with the bound pod', () => {
    const { token } = issuer.issue(
      { ...WebAccount, audiences: ['vault'], expirationSeconds: 600, boundObjectRef: { kind: 'Pod', name: 'web-1', uid: 'pod-uid' } },
      T0,
    );
    const [header, payload] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))) as [
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    expect(header.alg).to.equal('RS256');
    expect(header.kid).to.be.a('string').and.not.equal('');
    expect(payload).to.include({ iss: Issuer, sub: 'system:serviceaccount:shop:web', iat: T0 / 1000, nbf: T0 / 1000, exp: T0 / 1000 + 600 });
    expect(payload.aud).to.deep.equal(['vault']);
    expect(payload['kubernetes.io']).to.deep.equal({
      namespace: 'shop',
      serviceaccount: { name: 'web', uid: 'sa-uid-1' },
      pod: { name: 'web-1', uid: 'pod-uid' },
    });
  });

  it('accepts a token until the second it expires, and rejects it from then on', async () => {
    const { token } = issuer.issue({ ...WebAccount, expirationSeconds: 600 }, T0);
    now = T0 + 599_999;
    expect(await authenticatorWith().authenticateToken(token)).to.not.equal(null);
    now = T0 + 600_000;
    expect((await rejection(authenticatorWith().authenticateToken(token))).message).to.equal('service account token has expired');
  });

  it('rejects a token not valid yet (nbf in the future)', async () => {
    const { token } = issuer.issue(WebAccount, T0);
    now = T0 - 1000;
    expect((await rejection(authenticatorWith().authenticateToken(token))).message).to.equal('service account token is not valid yet');
  });

  it('rejects a token signed by another key', async () => {
    const { token } = new ServiceAccountTokenIssuer(otherKey, Issuer).issue(WebAccount, T0);
    expect((await rejection(authenticatorWith().authenticateToken(token))).message).to.equal(
      'service account token has an invalid signature',
    );
  });

  it('rejects a token whose claims were changed after signing', async () => {
    const forged = withPayload(issuer.issue(WebAccount, T0).token, (claims) => {
      claims.sub = 'system:serviceaccount:kube-system:admin';
    });
    await rejection(authenticatorWith().authenticateToken(forged));
  });

  it('rejects a token that names the "none" algorithm', async () => {
    const [, payload] = issuer.issue(WebAccount, T0).token.split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${payload}.`;
    await rejection(authenticatorWith().authenticateToken(unsigned));
  });

  // Not ours, so no other token authenticator knowing it, the request is a 401 (see build-auth tests).
  it('leaves a token of another issuer to other authenticators', async () => {
    const { token } = new ServiceAccountTokenIssuer(signingKey, 'https://elsewhere.example').issue(WebAccount, T0);
    expect(await authenticatorWith().authenticateToken(token)).to.equal(null);
  });

  it('rejects a token for an audience this apiserver does not serve', async () => {
    const { token } = issuer.issue({ ...WebAccount, audiences: ['vault'] }, T0);
    expect((await rejection(authenticatorWith().authenticateToken(token))).message).to.match(/audiences \["vault"\] are not among/);
  });

  it('rejects a signed token whose subject disagrees with its kubernetes.io claim', async () => {
    const mismatched = new ServiceAccountTokenIssuer(signingKey, Issuer).issue(WebAccount, T0).token;
    // Re-sign a changed payload with the real key, so that only the claim check can catch it.
    const [header, payload] = mismatched.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    claims.sub = 'system:serviceaccount:shop:admin';
    const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const token = `${input}.${sign('sha256', Buffer.from(input), signingKey).toString('base64url')}`;
    expect((await rejection(authenticatorWith().authenticateToken(token))).message).to.equal(
      'service account token subject does not match its kubernetes.io claim',
    );
  });

  it('with a lookup, rejects tokens of deleted or recreated service accounts', async () => {
    const accounts = new Map<string, string>([['shop/web', 'sa-uid-1']]);
    const lookup: ServiceAccountLookup = async (ns, name) => {
      const uid = accounts.get(`${ns}/${name}`);
      return uid === undefined ? null : { uid };
    };
    const { token } = issuer.issue(WebAccount, T0);
    expect(await authenticatorWith({ lookup }).authenticateToken(token)).to.not.equal(null);
    accounts.set('shop/web', 'sa-uid-2');
    expect((await rejection(authenticatorWith({ lookup }).authenticateToken(token))).message).to.match(/was recreated/);
    accounts.delete('shop/web');
    expect((await rejection(authenticatorWith({ lookup }).authenticateToken(token))).message).to.match(/has been deleted/);
  });

  it('leaves strings that are not JWTs to other authenticators', async () => {
    expect(await authenticatorWith().authenticateToken('static-token-from-a-file')).to.equal(null);
    expect(await authenticatorWith().authenticateToken('a.b.c')).to.equal(null);
  });

  describe('key files', () => {
    it('verifies with a public key, a private key or a certificate file, and signs with the signing key file', async () => {
      const dir = await makeTempDir();
      try {
        const ca = await createCertificateAuthority('sa-cert');
        const signing = await loadServiceAccountSigningKey(
          await dir.write('sa.key', signingKey.export({ type: 'pkcs8', format: 'pem' }) as string),
        );
        const publicFile = await dir.write('sa.pub', createPublicKey(signingKey).export({ type: 'spki', format: 'pem' }) as string);
        const privateFile = await dir.write('sa-private.pem', signingKey.export({ type: 'pkcs1', format: 'pem' }) as string);
        const certFile = await dir.write('ca.crt', ca.certPem);
        const keys = await loadServiceAccountPublicKeys([publicFile, privateFile, certFile]);
        expect(keys).to.have.length(3);
        const { token } = new ServiceAccountTokenIssuer(signing, Issuer).issue(WebAccount, T0);
        expect(await authenticatorWith({ publicKeys: keys }).authenticateToken(token)).to.not.equal(null);
        // The certificate's key signs too: tokens signed by its private key verify against the certificate file.
        const byCertKey = new ServiceAccountTokenIssuer(
          await loadServiceAccountSigningKey(await dir.write('ca.key', ca.keyPem)),
          Issuer,
        ).issue(WebAccount, T0);
        expect(await authenticatorWith({ publicKeys: keys }).authenticateToken(byCertKey.token)).to.not.equal(null);
      } finally {
        await dir.remove();
      }
    });

    it('refuses a key that cannot sign RS256, and a file with no key', async () => {
      const dir = await makeTempDir();
      try {
        const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
        const ecFile = await dir.write('ec.key', ec.export({ type: 'pkcs8', format: 'pem' }) as string);
        await loadServiceAccountSigningKey(ecFile).then(
          () => expect.fail('an EC key was accepted'),
          (err: unknown) => expect(err).to.be.instanceOf(AuthConfigError).with.property('message').that.matches(/is ec; .* RSA key/),
        );
        const emptyFile = await dir.write('empty.pem', 'nothing here\n');
        await loadServiceAccountPublicKeys([emptyFile]).then(
          () => expect.fail('a file with no key was accepted'),
          (err: unknown) => expect(err).to.be.instanceOf(AuthConfigError).with.property('message').that.matches(/no public key/),
        );
      } finally {
        await dir.remove();
      }
    });
  });
});
