import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import {
  createCertificateAuthority,
  createClientCertificate,
  createServingCertificate,
  writeKubeconfig,
  type CertificateAndKey,
} from '../../src/apiserver/auth/index.js';
import { createLogger } from '../../src/apiserver/log.js';
import { ApiServer, type ApiServerOptions } from '../../src/apiserver/server.js';
import { makeTempDir, type TempDir } from '../auth/support/temp-dir.js';
import { startStoreCluster, type StoreCluster } from './store-cluster.js';

export interface KubectlRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly body: any;
}

/** A user known to the test apiserver's token file, with no RBAC rights at all. */
export const NOBODY_TOKEN = 'nobody-token';

/** ApiServer options a test may set (the rest are fixed by the harness). */
export type TestControlPlaneOptions = Pick<
  ApiServerOptions,
  'watchCacheCapacity' | 'bookmarkIntervalMs' | 'runBuiltinControllers' | 'serviceClusterIpRange' | 'defaultNotReadyTolerationSeconds' | 'defaultUnreachableTolerationSeconds'
>;

/**
 * A kube-apiserver on a real three-member kvstore cluster, serving TLS on an OS-chosen port with
 * RBAC, a token file, client certificates and a service-account signing key; an admin kubeconfig (a system:masters client
 * certificate) and one for a user without rights, for the real kubectl.
 */
export class TestControlPlane {
  private constructor(
    readonly dir: TempDir,
    readonly store: StoreCluster,
    readonly apiserver: ApiServer,
    readonly ca: CertificateAndKey,
    readonly admin: CertificateAndKey,
    readonly adminKubeconfig: string,
    readonly nobodyKubeconfig: string,
    private readonly agent: Agent,
  ) {}

  static async start(options: TestControlPlaneOptions = {}): Promise<TestControlPlane> {
    const dir = await makeTempDir('flotilla-apiserver-test-');
    let store: StoreCluster | undefined;
    let apiserver: ApiServer | undefined;
    try {
      store = await startStoreCluster();
      const ca = await createCertificateAuthority();
      const serving = await createServingCertificate(ca);
      const admin = await createClientCertificate(ca, { commonName: 'kubernetes-admin', organizations: ['system:masters'] });
      apiserver = await ApiServer.start({
        etcdServers: store.clientUrls,
        port: 0,
        bindAddress: '127.0.0.1',
        tls: { cert: serving.certPem, key: serving.keyPem },
        auth: {
          clientCaFile: await dir.write('ca.crt', ca.certPem),
          tokenAuthFile: await dir.write('tokens.csv', `${NOBODY_TOKEN},nobody,2001\n`),
          serviceAccountSigningKeyFile: await dir.write('sa.key', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
          authorizationModes: ['RBAC'],
          anonymousAuth: true,
        },
        watchCacheCapacity: options.watchCacheCapacity,
        runBuiltinControllers: options.runBuiltinControllers,
        bookmarkIntervalMs: options.bookmarkIntervalMs,
        serviceClusterIpRange: options.serviceClusterIpRange,
        defaultNotReadyTolerationSeconds: options.defaultNotReadyTolerationSeconds,
        defaultUnreachableTolerationSeconds: options.defaultUnreachableTolerationSeconds,
        logger: createLogger(process.env.FLOTILLA_TEST_LOG === '1' ? 'debug' : 'error'),
      });
      const adminKubeconfig = join(dir.path, 'admin.kubeconfig');
      await writeKubeconfig(adminKubeconfig, { server: apiserver.url, certificateAuthorityPem: ca.certPem, credentials: { clientCertificatePem: admin.certPem, clientKeyPem: admin.keyPem } });
      const nobodyKubeconfig = join(dir.path, 'nobody.kubeconfig');
      await writeKubeconfig(nobodyKubeconfig, { server: apiserver.url, certificateAuthorityPem: ca.certPem, credentials: { token: NOBODY_TOKEN }, userName: 'nobody' });
      const agent = new Agent({ connect: { ca: ca.certPem, cert: admin.certPem, key: admin.keyPem } });
      return new TestControlPlane(dir, store, apiserver, ca, admin, adminKubeconfig, nobodyKubeconfig, agent);
    } catch (err) {
      await apiserver?.stop();
      await store?.stop();
      await dir.remove();
      throw err;
    }
  }

  get url(): string {
    return this.apiserver.url;
  }

  /** Runs the real kubectl (its own HOME and cache in the temp folder); stdin is written when given, env added. */
  kubectl(args: readonly string[], options: { kubeconfig?: string; stdin?: string; env?: Record<string, string> } = {}): Promise<KubectlRun> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        'kubectl',
        ['--kubeconfig', options.kubeconfig ?? this.adminKubeconfig, '--cache-dir', join(this.dir.path, 'cache'), '--request-timeout', '30s', ...args],
        { env: { PATH: process.env.PATH ?? '', HOME: this.dir.path, ...options.env }, timeout: 90_000 },
        (err, stdout, stderr) => {
          if (err && typeof err.code !== 'number') return reject(err);
          resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
        },
      );
      child.stdin!.end(options.stdin ?? '');
    });
  }

  /** Starts a long-running kubectl (e.g. `get -w`); the caller stops it by its handle. */
  spawnKubectl(args: readonly string[]): ChildProcess {
    return spawn('kubectl', ['--kubeconfig', this.adminKubeconfig, '--cache-dir', join(this.dir.path, 'cache'), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: this.dir.path },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /** Writes a kubeconfig for this apiserver whose user presents `token`. */
  async kubeconfigWithToken(name: string, token: string): Promise<string> {
    const path = join(this.dir.path, `${name}.kubeconfig`);
    await writeKubeconfig(path, { server: this.url, certificateAuthorityPem: this.ca.certPem, credentials: { token }, userName: name });
    return path;
  }

  /** One HTTPS request as the admin (client certificate). */
  async http(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const res = await request(`${this.url}${path}`, {
      method: method as 'GET',
      dispatcher: this.agent,
      body: payload,
      headers: { accept: 'application/json', ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    const text = await res.body.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.statusCode, headers: res.headers, text, body: parsed };
  }

  /** Opens a watch as the admin and hands each event to onEvent until the returned abort is called. */
  watch(path: string, onEvent: (event: { type: string; object: any }) => void): { done: Promise<number>; abort: () => void } {
    const controller = new AbortController();
    const done = (async () => {
      const res = await request(`${this.url}${path}`, { method: 'GET', dispatcher: this.agent, signal: controller.signal, headersTimeout: 30_000, bodyTimeout: 0 });
      let buffered = '';
      try {
        for await (const chunk of res.body) {
          buffered += chunk.toString();
          let newline;
          while ((newline = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, newline).trim();
            buffered = buffered.slice(newline + 1);
            if (line) onEvent(JSON.parse(line));
          }
        }
      } catch (err) {
        if (!controller.signal.aborted) throw err;
      }
      return res.statusCode;
    })();
    return { done, abort: () => controller.abort() };
  }

  async stop(): Promise<void> {
    await this.agent.close();
    await this.apiserver.stop();
    await this.store.stop();
    await this.dir.remove();
  }
}

/** Polls until check() returns a value other than undefined (or throws the last failure at the deadline). */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
