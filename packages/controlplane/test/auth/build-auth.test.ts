import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import {
  AuthConfigError,
  bootstrapClusterRoleBindings,
  bootstrapClusterRoles,
  buildAuth,
  createCertificateAuthority,
  createServingCertificate,
  rbacObjectsFrom,
  ServiceAccountTokenIssuer,
  type Auth,
  type AuthFlags,
  type CertificateAndKey,
  type RbacObjects,
} from '../../src/apiserver/auth/index.js';
import { startAuthTestServer } from './support/auth-test-server.js';
import { httpsJson, type JsonResponse } from './support/https-client.js';
import { makeTempDir, type TempDir } from './support/temp-dir.js';

const Issuer = 'https://flotilla.test';

describe('buildAuth: flags to a working authenticator and authorizer', () => {
  let dir: TempDir;
  let ca: CertificateAndKey;
  let serving: CertificateAndKey;
  let flags: AuthFlags;
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const policy: RbacObjects = rbacObjectsFrom({
    clusterRoles: bootstrapClusterRoles(),
    clusterRoleBindings: bootstrapClusterRoleBindings(),
    roleBindings: [
      {
        metadata: { name: 'web-views-shop', namespace: 'shop' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'ServiceAccount', name: 'web' }],
      },
    ],
  });

  /** Runs one server for the body, stopping it however the body ends. */
  async function withServer(auth: Auth, body: (get: (path: string, token?: string) => Promise<JsonResponse>) => Promise<void>) {
    const server = await startAuthTestServer(auth, serving);
    try {
      await body((path, token) => httpsJson(`${server.url}${path}`, { ca: ca.certPem, ...(token ? { token } : {}) }));
    } finally {
      await server.close();
    }
  }

  before(async () => {
    dir = await makeTempDir();
    ca = await createCertificateAuthority();
    serving = await createServingCertificate(ca);
    flags = {
      tokenAuthFile: await dir.write('tokens.csv', 'admin-token,admin,1,"system:masters"\njane-token,jane,2\n'),
      serviceAccountSigningKeyFile: await dir.write('sa.key', signingKey.export({ type: 'pkcs1', format: 'pem' }) as string),
      serviceAccountIssuers: [Issuer],
      authorizationModes: ['RBAC'],
    };
  });

  after(async () => {
    await dir?.remove();
  });

  it('authenticates token-file users and authorizes them with RBAC', async () => {
    const auth = await buildAuth(flags, policy);
    await withServer(auth, async (get) => {
      expect((await get('/whoami', 'admin-token')).body).to.deep.equal({ name: 'admin', uid: '1', groups: ['system:masters', 'system:authenticated'] });
      expect((await get('/api/v1/namespaces/default/pods', 'admin-token')).status).to.equal(200);
      expect((await get('/api', 'jane-token')).status).to.equal(200);
      const denied = await get('/api/v1/namespaces/default/pods', 'jane-token');
      expect(denied.status).to.equal(403);
      expect(denied.body.message).to.equal('pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"');
    });
  });

  it('answers 401 to a token nobody knows, never falling back to anonymous', async () => {
    const auth = await buildAuth(flags, policy);
    await withServer(auth, async (get) => {
      expect((await get('/version', 'no-such-token')).status).to.equal(401);
      const otherIssuer = new ServiceAccountTokenIssuer(signingKey, 'https://elsewhere.test').issue({ namespace: 'shop', name: 'web', uid: 'u' }, Date.now());
      expect((await get('/version', otherIssuer.token)).status).to.equal(401);
      expect((await get('/version')).status).to.equal(200);
    });
  });

  it('mints service-account tokens that authenticate and are bound by RBAC', async () => {
    const auth = await buildAuth(flags, policy);
    expect(auth.tokenIssuer?.issuer).to.equal(Issuer);
    const { token } = auth.tokenIssuer!.issue({ namespace: 'shop', name: 'web', uid: 'web-uid' }, Date.now());
    await withServer(auth, async (get) => {
      expect((await get('/whoami', token)).body).to.deep.equal({
        name: 'system:serviceaccount:shop:web',
        uid: 'web-uid',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:shop', 'system:authenticated'],
      });
      expect((await get('/api/v1/namespaces/shop/pods', token)).status).to.equal(200);
      expect((await get('/api/v1/namespaces/default/pods', token)).body.message).to.equal(
        'pods is forbidden: User "system:serviceaccount:shop:web" cannot list resource "pods" in API group "" in the namespace "default"',
      );
    });
  });

  it('judges token expiry by the clock it is given', async () => {
    let now = Date.UTC(2031, 5, 1);
    const auth = await buildAuth(flags, policy, { now: () => now });
    const { token } = auth.tokenIssuer!.issue({ namespace: 'shop', name: 'web', uid: 'u', expirationSeconds: 600 }, now);
    await withServer(auth, async (get) => {
      expect((await get('/api', token)).status).to.equal(200);
      now += 600_000;
      expect((await get('/api', token)).status).to.equal(401);
    });
  });

  it('without --anonymous-auth answers 401 to a request with no credentials', async () => {
    const auth = await buildAuth({ ...flags, anonymousAuth: false }, policy);
    await withServer(auth, async (get) => {
      const res = await get('/version');
      expect(res.status).to.equal(401);
      expect(res.body).to.include({ reason: 'Unauthorized', message: 'Unauthorized' });
    });
  });

  it('lets system:masters through even when RBAC holds nothing', async () => {
    const auth = await buildAuth(flags, rbacObjectsFrom({}));
    await withServer(auth, async (get) => {
      expect((await get('/api/v1/secrets', 'admin-token')).status).to.equal(200);
      expect((await get('/api', 'jane-token')).status).to.equal(403);
    });
  });

  it('refuses modes it does not know and RBAC without objects', async () => {
    await buildAuth({ authorizationModes: ['Node', 'RBAC'] }, policy).then(
      () => expect.fail('accepted an unknown mode'),
      (err: unknown) => expect(err).to.be.instanceOf(AuthConfigError).with.property('message').that.matches(/"Node" is not supported/),
    );
    await buildAuth({ authorizationModes: ['RBAC'] }, null).then(
      () => expect.fail('accepted RBAC without objects'),
      (err: unknown) => expect(err).to.be.instanceOf(AuthConfigError),
    );
  });

  it('passes token-file warnings on for the apiserver to log', async () => {
    const tokenAuthFile = await dir.write('dup.csv', 't,a,1\nt,b,2\n');
    const auth = await buildAuth({ tokenAuthFile }, null);
    expect(auth.warnings).to.deep.equal([`duplicate token has been found in token file '${tokenAuthFile}', record number '2'`]);
    expect(auth.tls).to.deep.equal({ requestCert: false, rejectUnauthorized: false });
  });
});
