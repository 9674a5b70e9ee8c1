import { expect } from 'chai';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { type Server, createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createClientCertificate, writeKubeconfig } from '../../src/apiserver/auth/index.js';
import { createLogger } from '../../src/apiserver/log.js';
import { RestClient } from '../../src/client/index.js';
import { serviceChainName } from '../../src/proxy/iptables/chain-names.js';
import { KubeProxy } from '../../src/proxy/kube-proxy.js';
import { TestControlPlane, eventually } from '../support/control-plane.js';

const NS = 'proxy';
const logger = createLogger(process.env.FLOTILLA_TEST_LOG === '1' ? 'debug' : 'error', 'kube-proxy');
// A loopback range and a high service port of their own, so that nothing else on the machine holds them.
const SECOND_OCTET = 100 + Math.floor(Math.random() * 100);
const SERVICE_PORT = 20_000 + Math.floor(Math.random() * 10_000);
const PROXY_MAIN = fileURLToPath(new URL('../../src/proxy/main.js', import.meta.url));

/** An HTTP server on 127.0.0.1 (OS-chosen port) answering its name. */
async function backend(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => res.end(name));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, port: (server.address() as AddressInfo).port };
}

/** One GET on a new connection; the body, or the error code when the connection fails. */
function fetchOnce(host: string, port: number, path = '/'): Promise<string> {
  return new Promise((resolve) => {
    const req = get({ host, port, path, agent: false, timeout: 5_000 }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve(body));
      res.on('error', (err: NodeJS.ErrnoException) => resolve(`error:${err.code ?? err.message}`));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => resolve(`error:${err.code ?? err.message}`));
  });
}

async function fetchMany(host: string, port: number, n: number): Promise<string[]> {
  const answers: string[] = [];
  for (let i = 0; i < n; i++) answers.push(await fetchOnce(host, port));
  return answers;
}

const endpointsOf = (ports: number[]) => ({
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name: 'web', namespace: NS },
  subsets: ports.map((port) => ({ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'http', port, protocol: 'TCP' }] })),
});

/** kube-proxy in userspace mode against a real apiserver, forwarding to real HTTP servers. */
describe('kube-proxy userspace mode', function () {
  this.timeout(120_000);
  let cp: TestControlPlane;
  let client: RestClient;
  let proxy: KubeProxy | undefined;
  let one: { server: Server; port: number };
  let two: { server: Server; port: number };
  let clusterIP: string;
  const children: ChildProcess[] = [];

  before(async () => {
    cp = await TestControlPlane.start({ serviceClusterIpRange: `127.${SECOND_OCTET}.0.0/16` });
    expect((await cp.http('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } })).status).to.equal(201);
    [one, two] = await Promise.all([backend('one'), backend('two')]);
    client = await RestClient.fromKubeconfig(cp.adminKubeconfig, { userAgent: 'kube-proxy-test' });
    proxy = new KubeProxy({ client, hostname: 'worker-1', mode: 'userspace', logger, listenerRetryIntervalMs: 200 });
    await proxy.start();
    const svc = await cp.http('POST', `/api/v1/namespaces/${NS}/services`, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { ports: [{ name: 'http', port: SERVICE_PORT, protocol: 'TCP' }] },
    });
    expect(svc.status, svc.text).to.equal(201);
    clusterIP = svc.body.spec.clusterIP;
    const ep = await cp.http('POST', `/api/v1/namespaces/${NS}/endpoints`, endpointsOf([one.port, two.port]));
    expect(ep.status, ep.text).to.equal(201);
  });

  after(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await proxy?.stop();
    await client?.close();
    await Promise.all([one, two].filter(Boolean).map((b) => new Promise<void>((resolve) => b.server.close(() => resolve()))));
    await cp?.stop();
  });

  it('alternates connections to the ClusterIP between the two endpoints', async () => {
    expect(clusterIP).to.match(new RegExp(`^127\\.${SECOND_OCTET}\\.`));
    await eventually(async () => ((await fetchOnce(clusterIP, SERVICE_PORT)).startsWith('error:') ? undefined : true), 20_000, 'the service port to answer');
    const answers = await fetchMany(clusterIP, SERVICE_PORT, 6);
    expect(new Set(answers)).to.deep.equal(new Set(['one', 'two']));
    for (let i = 1; i < answers.length; i++) expect(answers[i], answers.join(',')).to.not.equal(answers[i - 1]);
  });

  it('sends every connection to the endpoint left after the other is removed', async () => {
    const ep = await cp.http('PUT', `/api/v1/namespaces/${NS}/endpoints/web`, endpointsOf([two.port]));
    expect(ep.status, ep.text).to.equal(200);
    await eventually(async () => ((await fetchMany(clusterIP, SERVICE_PORT, 2)).every((a) => a === 'two') ? true : undefined), 20_000, 'only "two" to answer');
    expect(await fetchMany(clusterIP, SERVICE_PORT, 4)).to.deep.equal(['two', 'two', 'two', 'two']);
  });

  it('tries the next endpoint when a listed one refuses the connection', async () => {
    const dead = await backend('dead');
    await new Promise<void>((resolve) => dead.server.close(() => resolve()));
    const ep = await cp.http('PUT', `/api/v1/namespaces/${NS}/endpoints/web`, endpointsOf([dead.port, one.port]));
    expect(ep.status, ep.text).to.equal(200);
    await eventually(async () => ((await fetchMany(clusterIP, SERVICE_PORT, 2)).every((a) => a === 'one') ? true : undefined), 20_000, 'only "one" to answer');
    expect(await fetchMany(clusterIP, SERVICE_PORT, 4)).to.deep.equal(['one', 'one', 'one', 'one']);
    const metrics = await proxy!.metrics.registry.metrics();
    expect(metrics).to.match(new RegExp(`kubeproxy_userspace_endpoint_dial_failures_total\\{service_port="${NS}/web:http"\\} [1-9]`));
    expect(metrics).to.match(new RegExp(`kubeproxy_userspace_connections_forwarded_total\\{service_port="${NS}/web:http"\\} [1-9]`));
  });

  it('as a second proxy on the machine waits for the port, reports it, and takes over when the first stops', async () => {
    // The binary runs as system:kube-proxy, with only the bootstrap role system:node-proxier's rights.
    const cert = await createClientCertificate(cp.ca, { commonName: 'system:kube-proxy' });
    const kubeconfig = join(cp.dir.path, 'kube-proxy.kubeconfig');
    await writeKubeconfig(kubeconfig, { server: cp.url, certificateAuthorityPem: cp.ca.certPem, credentials: { clientCertificatePem: cert.certPem, clientKeyPem: cert.keyPem }, userName: 'kube-proxy' });
    const child = spawn(process.execPath, [PROXY_MAIN, '--kubeconfig', kubeconfig, '--port', '0', '--hostname-override', 'worker-2', '--listener-retry-period', '200ms', '--log-level', 'error'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stdout = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    const url = await eventually(() => /^kube-proxy serving on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout)?.[1], 20_000, 'the kube-proxy binary to serve');
    const address = `${clusterIP}:${SERVICE_PORT}`;
    await eventually(async () => {
      const metrics = await (await fetch(`${url}/metrics`)).text();
      return metrics.includes(`kubeproxy_userspace_listener_waiting{service_port="${NS}/web:http",address="${address}"} 1`) ? true : undefined;
    }, 20_000, 'the second proxy to report the port as taken');
    expect((await fetch(`${url}/healthz`)).status).to.equal(200);
    const rules = await (await fetch(`${url}/iptables`)).text();
    expect(rules).to.contain(`-A KUBE-SERVICES -m comment --comment "${NS}/web:http cluster IP" -m tcp -p tcp -d ${clusterIP} --dport ${SERVICE_PORT} -j ${serviceChainName(`${NS}/web:http`, 'TCP')}`);

    await proxy!.stop();
    proxy = undefined;
    await eventually(async () => ((await (await fetch(`${url}/listeners`)).json()) as Record<string, string>)[address] === 'bound' || undefined, 20_000, 'the second proxy to take the port over');
    expect(await fetchMany(clusterIP, SERVICE_PORT, 2)).to.deep.equal(['one', 'one']);
    expect(await (await fetch(`${url}/metrics`)).text()).to.match(/kubeproxy_sync_proxy_rules_last_timestamp_seconds \d/);
  });

  it('prints the iptables rules for the current services with --print-iptables and exits 0', async () => {
    const printed = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [PROXY_MAIN, '--kubeconfig', cp.adminKubeconfig, '--print-iptables', '--log-level', 'error'], { timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(printed.code, printed.stderr).to.equal(0);
    const svcChain = serviceChainName(`${NS}/web:http`, 'TCP');
    expect(printed.stdout).to.match(/^\*filter$/m);
    expect(printed.stdout).to.contain(`-A ${svcChain} -m comment --comment "${NS}/web:http -> 127.0.0.1:${one.port}"`);
    expect(printed.stdout).to.contain(`-m statistic --mode random --probability 0.5000000000`);
    expect(printed.stdout.trimEnd().endsWith('COMMIT')).to.equal(true);
  });

  it('closes the listener when the Service is deleted', async () => {
    const deleted = await cp.http('DELETE', `/api/v1/namespaces/${NS}/services/web`);
    expect(deleted.status, deleted.text).to.equal(200);
    await eventually(async () => ((await fetchOnce(clusterIP, SERVICE_PORT)) === 'error:ECONNREFUSED' ? true : undefined), 20_000, 'the service port to close');
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const child = children[0];
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).to.equal(0);
  });
});
