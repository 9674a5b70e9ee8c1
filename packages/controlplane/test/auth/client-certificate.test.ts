import { expect } from 'chai';
import {
  buildAuth,
  createCertificateAuthority,
  createClientCertificate,
  createServingCertificate,
  type CertificateAndKey,
} from '../../src/apiserver/auth/index.js';
import { startAuthTestServer, type AuthTestServer } from './support/auth-test-server.js';
import { httpsJson } from './support/https-client.js';
import { makeTempDir, type TempDir } from './support/temp-dir.js';

describe('client certificate authentication (--client-ca-file) over TLS', () => {
  let dir: TempDir;
  let server: AuthTestServer;
  let clientCa: CertificateAndKey;
  let servingCa: CertificateAndKey;
  const whoami = (cert?: CertificateAndKey, token?: string) =>
    httpsJson(`${server.url}/whoami`, { ca: servingCa.certPem, cert: cert?.certPem, key: cert?.keyPem, token });

  before(async () => {
    dir = await makeTempDir();
    // The serving certificate has its own CA, so that trusting a client CA and trusting the server stay separate.
    [clientCa, servingCa] = await Promise.all([createCertificateAuthority('client-ca'), createCertificateAuthority('serving-ca')]);
    const auth = await buildAuth(
      {
        clientCaFile: await dir.write('client-ca.crt', clientCa.certPem),
        tokenAuthFile: await dir.write('tokens.csv', 'bob-token,bob,7\n'),
        authorizationModes: ['AlwaysAllow'],
      },
      null,
    );
    expect(auth.tls).to.deep.include({ requestCert: true, rejectUnauthorized: false, ca: clientCa.certPem });
    server = await startAuthTestServer(auth, await createServingCertificate(servingCa));
  });

  after(async () => {
    await server?.close();
    await dir?.remove();
  });

  it('reads the user from CN and groups from O of a certificate the client CA signed', async () => {
    const jane = await createClientCertificate(clientCa, { commonName: 'jane', organizations: ['dev', 'ops'] });
    const res = await whoami(jane);
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ name: 'jane', groups: ['dev', 'ops', 'system:authenticated'] });
  });

  it('rejects with 401 a certificate signed by another CA', async () => {
    const stranger = await createCertificateAuthority('client-ca');
    const res = await whoami(await createClientCertificate(stranger, { commonName: 'mallory', organizations: ['system:masters'] }));
    expect(res.status).to.equal(401);
    expect(res.body).to.include({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  it('rejects an expired certificate from the trusted CA', async () => {
    const notBefore = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    const res = await whoami(await createClientCertificate(clientCa, { commonName: 'old', notBefore, validityDays: 1 }));
    expect(res.status).to.equal(401);
  });

  it('rejects a certificate made for serving, not for client authentication', async () => {
    const res = await whoami(await createServingCertificate(clientCa));
    expect(res.status).to.equal(401);
  });

  it('lets a valid token authenticate a request whose certificate fails', async () => {
    const stranger = await createCertificateAuthority('client-ca');
    const res = await whoami(await createClientCertificate(stranger, { commonName: 'mallory' }), 'bob-token');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ name: 'bob', uid: '7', groups: ['system:authenticated'] });
  });

  it('treats a request without a certificate as anonymous', async () => {
    const res = await whoami();
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ name: 'system:anonymous', groups: ['system:unauthenticated'] });
  });
});
