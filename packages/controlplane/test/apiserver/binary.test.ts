import { expect } from 'chai';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { makeTempDir, type TempDir } from '../auth/support/temp-dir.js';
import { eventually } from '../support/control-plane.js';
import { startStoreCluster, type StoreCluster } from '../support/store-cluster.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'apiserver', 'main.js');

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
  });
}

/** The kube-apiserver binary: its flags, its self-signed certificate and the admin kubeconfig it writes. */
describe('the kube-apiserver binary', function () {
  this.timeout(120_000);
  let dir: TempDir;
  let store: StoreCluster;
  let apiserver: ChildProcess | undefined;

  before(async () => {
    dir = await makeTempDir('flotilla-apiserver-bin-');
    store = await startStoreCluster();
  });

  after(async () => {
    if (apiserver && apiserver.exitCode === null && apiserver.signalCode === null) {
      const exited = new Promise((r) => apiserver!.once('exit', r));
      apiserver.kill('SIGKILL');
      await exited;
    }
    await store?.stop();
    await dir?.remove();
  });

  it('prints its flags with --help and refuses an unknown flag', async () => {
    const help = await run(process.execPath, [BIN, '--help']);
    expect(help.code).to.equal(0);
    for (const flag of ['--etcd-servers', '--secure-port', '--bind-address', '--token-auth-file', '--tls-cert-file', '--client-ca-file', '--authorization-mode', '--service-cluster-ip-range']) expect(help.stdout).to.contain(flag);
    const bad = await run(process.execPath, [BIN, '--etcd-servers=http://127.0.0.1:1', '--no-such-flag=1']);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain('unknown flag: --no-such-flag');
    const cidr = await run(process.execPath, [BIN, '--etcd-servers=http://127.0.0.1:1', '--service-cluster-ip-range=127.96.0.0/31']);
    expect(cidr.code).to.equal(2);
    expect(cidr.stderr).to.contain('invalid argument "127.96.0.0/31" for "--service-cluster-ip-range" flag: invalid IPv4 CIDR "127.96.0.0/31"');
  });

  it('serves TLS with RBAC, writes an admin kubeconfig kubectl can use, and stops on SIGTERM', async () => {
    const kubeconfig = join(dir.path, 'admin.kubeconfig');
    const tokens = await dir.write('tokens.csv', 'nobody-token,nobody,2001\n');
    const child = spawn(
      process.execPath,
      [BIN, `--etcd-servers=${store.clientUrls.join(',')}`, '--secure-port=0', '--bind-address=127.0.0.1', '--authorization-mode=RBAC', `--token-auth-file=${tokens}`, '--service-cluster-ip-range=10.100.0.0/16', `--write-kubeconfig=${kubeconfig}`, '--log-level=warn'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    apiserver = child;
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const url = await eventually(() => /kube-apiserver serving on (https:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1], 60_000, `the apiserver to listen (stderr: ${stderr})`);

    const env = { PATH: process.env.PATH ?? '', HOME: dir.path };
    const kubectl = (args: string[]) => run('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir.path, 'cache'), '--request-timeout', '30s', ...args], env);
    const services = await kubectl(['get', 'service', 'kubernetes', '-n', 'default', '-o', 'jsonpath={.spec.clusterIP} {.spec.ports[0].targetPort}']);
    expect(services.code, services.stderr).to.equal(0);
    expect(services.stdout).to.equal(`10.100.0.1 ${new URL(url).port}`);
    const roles = await kubectl(['get', 'clusterroles', '-o', 'name']);
    expect(roles.stdout).to.contain('clusterrole.rbac.authorization.k8s.io/cluster-admin');

    // The serving certificate is self-signed at start-up: this client skips verification (kubectl trusts the kubeconfig's CA).
    const insecure = new Agent({ connect: { rejectUnauthorized: false } });
    try {
      const nobody = await request(`${url}/api/v1/namespaces/default/pods`, { dispatcher: insecure, headers: { authorization: 'Bearer nobody-token' } });
      expect(nobody.statusCode).to.equal(403);
      expect(await nobody.body.json()).to.include({ kind: 'Status', reason: 'Forbidden', code: 403 });
    } finally {
      await insecure.close();
    }

    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).to.equal(0);
  });
});
