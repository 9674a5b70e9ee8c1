import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import {
  bootstrapClusterRoleBindings,
  bootstrapClusterRoles,
  buildAuth,
  createCertificateAuthority,
  createClientCertificate,
  createServingCertificate,
  rbacObjectsFrom,
  writeKubeconfig,
  type CertificateAndKey,
  type KubeconfigCredentials,
} from '../../src/apiserver/auth/index.js';
import { startAuthTestServer, type AuthTestServer } from './support/auth-test-server.js';
import { makeTempDir, type TempDir } from './support/temp-dir.js';

interface KubectlRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real kubectl with its own HOME and discovery cache inside the test's folder. */
function kubectl(dir: TempDir, kubeconfig: string, args: readonly string[]): Promise<KubectlRun> {
  return new Promise((resolve, reject) => {
    execFile(
      'kubectl',
      ['--kubeconfig', kubeconfig, '--cache-dir', join(dir.path, 'cache'), '--request-timeout', '20s', ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: dir.path }, timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(err);
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
      },
    );
  });
}

describe('the real kubectl against a server using this authentication and RBAC', () => {
  let dir: TempDir;
  let server: AuthTestServer;
  let ca: CertificateAndKey;

  async function kubeconfigFor(name: string, credentials: KubeconfigCredentials): Promise<string> {
    const path = join(dir.path, `${name}.kubeconfig`);
    await writeKubeconfig(path, { server: server.url, certificateAuthorityPem: ca.certPem, credentials, userName: name });
    return path;
  }

  before(async () => {
    dir = await makeTempDir();
    ca = await createCertificateAuthority();
    const auth = await buildAuth(
      {
        clientCaFile: await dir.write('ca.crt', ca.certPem),
        tokenAuthFile: await dir.write('tokens.csv', 'jane-token,jane,1001\n'),
        authorizationModes: ['RBAC'],
      },
      rbacObjectsFrom({ clusterRoles: bootstrapClusterRoles(), clusterRoleBindings: bootstrapClusterRoleBindings() }),
    );
    server = await startAuthTestServer(auth, await createServingCertificate(ca));
  });

  after(async () => {
    await server?.close();
    await dir?.remove();
  });

  it('sends the bearer token and prints the 403 Status as Kubernetes words it', async () => {
    const run = await kubectl(dir, await kubeconfigFor('jane', { token: 'jane-token' }), ['get', 'pods', '-n', 'default']);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain(
      'Error from server (Forbidden): pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"',
    );
  });

  it('sends the client certificate, whose CN is the user', async () => {
    const cert = await createClientCertificate(ca, { commonName: 'carl', organizations: ['developers'] });
    const kubeconfig = await kubeconfigFor('carl', { clientCertificatePem: cert.certPem, clientKeyPem: cert.keyPem });
    const run = await kubectl(dir, kubeconfig, ['get', 'pods', '-n', 'kube-system']);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain(
      'Error from server (Forbidden): pods is forbidden: User "carl" cannot list resource "pods" in API group "" in the namespace "kube-system"',
    );
  });

  it('lets an administrator certificate (O=system:masters) list pods', async () => {
    const cert = await createClientCertificate(ca, { commonName: 'kubernetes-admin', organizations: ['system:masters'] });
    const kubeconfig = await kubeconfigFor('admin', { clientCertificatePem: cert.certPem, clientKeyPem: cert.keyPem });
    const run = await kubectl(dir, kubeconfig, ['get', 'pods', '-n', 'default']);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.contain('No resources found in default namespace.');
  });

  it('reads /version as any authenticated user', async () => {
    const run = await kubectl(dir, await kubeconfigFor('jane', { token: 'jane-token' }), ['get', '--raw', '/version']);
    expect(run.code, run.stderr).to.equal(0);
    expect(JSON.parse(run.stdout)).to.include({ gitVersion: 'v1.32.0-flotilla' });
  });

  it('is told to log in when its token is unknown', async () => {
    const run = await kubectl(dir, await kubeconfigFor('stranger', { token: 'not-a-token' }), ['get', 'pods']);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain('error: You must be logged in to the server (Unauthorized)');
  });
});
