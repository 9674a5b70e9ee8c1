import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';

/** Where an apiserver is and how to prove who we are to it: what a kubeconfig's current context says. */
export interface ClientConfig {
  /** e.g. https://127.0.0.1:6443 */
  readonly server: string;
  /** PEM of the CA that signed the apiserver's serving certificate (undefined: the system's CAs). */
  readonly certificateAuthorityPem?: string;
  readonly insecureSkipTlsVerify?: boolean;
  readonly clientCertificatePem?: string;
  readonly clientKeyPem?: string;
  readonly token?: string;
  /** The context's default namespace ("default" when the kubeconfig names none). */
  readonly namespace?: string;
  /** Sent as User-Agent, so the apiserver's logs and metrics say which component asked. */
  readonly userAgent?: string;
}

interface NamedEntry<T> {
  name?: string;
  cluster?: T;
  user?: T;
  context?: T;
}

type Section = Record<string, unknown>;

/** Thrown when a kubeconfig is missing what a client needs; the message names the field. */
export class KubeconfigError extends Error {
  constructor(path: string, message: string) {
    super(`kubeconfig ${path}: ${message}`);
    this.name = 'KubeconfigError';
  }
}

/**
 * Reads a kubeconfig (clientcmd v1) and resolves its current context (or `context`) to a ClientConfig.
 * File references (certificate-authority, client-certificate, client-key, tokenFile) are relative to
 * the kubeconfig's folder, as kubectl resolves them; inline `*-data` fields win over files.
 */
export async function loadKubeconfig(path: string, context?: string): Promise<ClientConfig> {
  const doc = parse(await readFile(path, 'utf8')) as Section | null;
  if (!doc || typeof doc !== 'object') throw new KubeconfigError(path, 'not a YAML mapping');
  const contextName = context ?? (doc['current-context'] as string | undefined);
  if (!contextName) throw new KubeconfigError(path, 'no current-context');
  const ctx = pick(path, doc, 'contexts', 'context', contextName);
  const cluster = pick(path, doc, 'clusters', 'cluster', String(ctx.cluster ?? ''));
  const user = ctx.user ? pick(path, doc, 'users', 'user', String(ctx.user)) : {};
  const server = cluster.server as string | undefined;
  if (!server) throw new KubeconfigError(path, `cluster "${ctx.cluster}" has no server`);
  const base = dirname(path);
  const fileOrData = async (data: unknown, file: unknown): Promise<string | undefined> => {
    if (typeof data === 'string' && data) return Buffer.from(data, 'base64').toString('utf8');
    if (typeof file === 'string' && file) return readFile(isAbsolute(file) ? file : resolve(base, file), 'utf8');
    return undefined;
  };
  const tokenFromFile = await fileOrData(undefined, user.tokenFile);
  return {
    server: server.replace(/\/+$/, ''),
    certificateAuthorityPem: await fileOrData(cluster['certificate-authority-data'], cluster['certificate-authority']),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    clientCertificatePem: await fileOrData(user['client-certificate-data'], user['client-certificate']),
    clientKeyPem: await fileOrData(user['client-key-data'], user['client-key']),
    token: (user.token as string | undefined) ?? tokenFromFile?.trim(),
    namespace: (ctx.namespace as string | undefined) ?? 'default',
  };
}

function pick(path: string, doc: Section, list: string, field: 'cluster' | 'user' | 'context', name: string): Section {
  const entries = (doc[list] ?? []) as NamedEntry<Section>[];
  const found = entries.find((e) => e.name === name);
  if (!found) throw new KubeconfigError(path, `${field} "${name}" not found`);
  return found[field] ?? {};
}
