import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createCertificateAuthority,
  createClientCertificate,
  createServingCertificate,
  type CertificateAndKey,
} from '../apiserver/auth/index.js';
import { kubeconfigYaml } from '../apiserver/auth/pki/kubeconfig.js';
import { firstUsableAddress, parseCidr } from '../apiserver/allocation/cluster-ip-allocator.js';
import type { ClusterLayout } from './layout.js';

/** Who a component is to the apiserver: the user (certificate CN) and groups (O) RBAC binds. */
export interface Identity {
  readonly file: string;
  readonly user: string;
  readonly groups: readonly string[];
}

export const Identities = {
  admin: { file: 'admin', user: 'kubernetes-admin', groups: ['system:masters'] },
  scheduler: { file: 'kube-scheduler', user: 'system:kube-scheduler', groups: [] },
  controllerManager: { file: 'kube-controller-manager', user: 'system:kube-controller-manager', groups: [] },
  proxy: { file: 'kube-proxy', user: 'system:kube-proxy', groups: [] },
  prometheus: { file: 'prometheus', user: 'prometheus', groups: ['system:monitoring'] },
  node: (name: string): Identity => ({ file: `node-${name}`, user: `system:node:${name}`, groups: ['system:nodes'] }),
} as const satisfies Record<string, Identity | ((name: string) => Identity)>;

/**
 * The cluster's certificates under <data>/pki, made on the first `up` and reused after: a CA, the
 * apiservers' serving certificate, the service-account signing key, and a client certificate per
 * identity. Everything is a file, so Prometheus and kubectl can use the same ones.
 */
export class ClusterPki {
  private constructor(
    readonly dir: string,
    readonly ca: CertificateAndKey,
  ) {}

  /** The cluster's PKI, made on the first `up` (the serving certificate names the `kubernetes` service's address). */
  static forLayout(dataDir: string, layout: ClusterLayout): Promise<ClusterPki> {
    return ClusterPki.ensure(dataDir, firstUsableAddress(parseCidr(layout.serviceClusterIpRange)));
  }

  static async ensure(dataDir: string, serviceIp: string): Promise<ClusterPki> {
    const dir = join(dataDir, 'pki');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const ca = await loadOrCreate(dir, 'ca', () => createCertificateAuthority('flotilla-ca'));
    const pki = new ClusterPki(dir, ca);
    await loadOrCreate(dir, 'apiserver', () =>
      createServingCertificate(ca, {
        commonName: 'kube-apiserver',
        dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
        ipAddresses: ['127.0.0.1', serviceIp],
      }),
    );
    const saKey = join(dir, 'sa.key');
    if (!existsSync(saKey)) {
      const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      await writeFile(saKey, key, { mode: 0o600 });
    }
    return pki;
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  get caFile(): string {
    return this.path('ca.crt');
  }

  get serviceAccountKeyFile(): string {
    return this.path('sa.key');
  }

  /** The certificate and key files of an identity, made when missing. */
  async clientCertificate(identity: Identity): Promise<{ certFile: string; keyFile: string; pair: CertificateAndKey }> {
    const pair = await loadOrCreate(this.dir, identity.file, () =>
      createClientCertificate(this.ca, { commonName: identity.user, organizations: [...identity.groups] }),
    );
    return { certFile: this.path(`${identity.file}.crt`), keyFile: this.path(`${identity.file}.key`), pair };
  }

  /** Writes a kubeconfig for `identity` talking to `server`, and returns its path. */
  async kubeconfig(dir: string, name: string, identity: Identity, server: string): Promise<string> {
    const { pair } = await this.clientCertificate(identity);
    const path = join(dir, `${name}.kubeconfig`);
    const yaml = kubeconfigYaml({
      server,
      certificateAuthorityPem: this.ca.certPem,
      credentials: { clientCertificatePem: pair.certPem, clientKeyPem: pair.keyPem },
      userName: identity.user,
      clusterName: 'flotilla',
      contextName: name === 'admin' ? 'flotilla-admin' : `${identity.user}@flotilla`,
    });
    await writeFile(path, yaml, { mode: 0o600 });
    return path;
  }
}

async function loadOrCreate(dir: string, name: string, create: () => Promise<CertificateAndKey>): Promise<CertificateAndKey> {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  if (existsSync(certFile) && existsSync(keyFile)) {
    return { certPem: await readFile(certFile, 'utf8'), keyPem: await readFile(keyFile, 'utf8') };
  }
  const made = await create();
  await writeFile(keyFile, made.keyPem, { mode: 0o600 });
  await writeFile(certFile, made.certPem, { mode: 0o644 });
  return made;
}
