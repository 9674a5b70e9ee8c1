import { writeFile } from 'node:fs/promises';

/** How the kubeconfig's user proves who it is: a client certificate, or a bearer token. */
export type KubeconfigCredentials =
  | { readonly clientCertificatePem: string; readonly clientKeyPem: string }
  | { readonly token: string };

export interface KubeconfigOptions {
  /** e.g. https://127.0.0.1:<port> */
  readonly server: string;
  /** The CA that signed the apiserver's serving certificate. */
  readonly certificateAuthorityPem: string;
  readonly credentials: KubeconfigCredentials;
  readonly clusterName?: string;
  readonly userName?: string;
  readonly contextName?: string;
  readonly namespace?: string;
}

const base64 = (pem: string): string => Buffer.from(pem).toString('base64');
/** A YAML double-quoted scalar; JSON's string syntax is a subset of it. */
const scalar = (value: string): string => JSON.stringify(value);

/** A kubeconfig (clientcmd v1) with one cluster, one user and one current context, data inlined. */
export function kubeconfigYaml(options: KubeconfigOptions): string {
  const cluster = options.clusterName ?? 'flotilla';
  const user = options.userName ?? 'admin';
  const context = options.contextName ?? `${user}@${cluster}`;
  const credentials =
    'token' in options.credentials
      ? [`    token: ${scalar(options.credentials.token)}`]
      : [
          `    client-certificate-data: ${base64(options.credentials.clientCertificatePem)}`,
          `    client-key-data: ${base64(options.credentials.clientKeyPem)}`,
        ];
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${scalar(cluster)}`,
    '  cluster:',
    `    server: ${scalar(options.server)}`,
    `    certificate-authority-data: ${base64(options.certificateAuthorityPem)}`,
    'users:',
    `- name: ${scalar(user)}`,
    '  user:',
    ...credentials,
    'contexts:',
    `- name: ${scalar(context)}`,
    '  context:',
    `    cluster: ${scalar(cluster)}`,
    `    user: ${scalar(user)}`,
    ...(options.namespace ? [`    namespace: ${scalar(options.namespace)}`] : []),
    `current-context: ${scalar(context)}`,
    'preferences: {}',
    '',
  ].join('\n');
}

/** Writes a kubeconfig readable only by its owner, since it holds a key or a token. */
export async function writeKubeconfig(path: string, options: KubeconfigOptions): Promise<void> {
  await writeFile(path, kubeconfigYaml(options), { mode: 0o600 });
}
