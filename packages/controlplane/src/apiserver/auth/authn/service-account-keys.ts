import { createPublicKey, X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AuthConfigError } from '../errors.js';

const PemBlock = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

function requireRsa(key: KeyObject, source: string): KeyObject {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new AuthConfigError(`${source}: the key is ${key.asymmetricKeyType}; service-account tokens are signed RS256, which needs an RSA key`);
  }
  return key;
}

/**
 * The public keys in a --service-account-key-file: every PEM block in it, whether a public key,
 * a private key (its public half is used) or a certificate, as kube-apiserver accepts.
 */
export function serviceAccountPublicKeysFromPem(pem: string, source: string): KeyObject[] {
  const keys: KeyObject[] = [];
  for (const match of pem.matchAll(PemBlock)) {
    const [block, label] = match as unknown as [string, string];
    let key: KeyObject;
    try {
      if (label === 'CERTIFICATE') key = new X509Certificate(block).publicKey;
      else if (label.endsWith('PRIVATE KEY')) key = createPublicKey(createPrivateKey(block));
      else if (label.endsWith('PUBLIC KEY')) key = createPublicKey(block);
      else continue;
    } catch (err) {
      throw new AuthConfigError(`${source}: cannot read the ${label} block: ${(err as Error).message}`);
    }
    keys.push(requireRsa(key, source));
  }
  if (keys.length === 0) throw new AuthConfigError(`${source}: no public key, private key or certificate in PEM form`);
  return keys;
}

/** Reads the public keys of every --service-account-key-file. */
export async function loadServiceAccountPublicKeys(paths: readonly string[]): Promise<KeyObject[]> {
  const keys: KeyObject[] = [];
  for (const path of paths) keys.push(...serviceAccountPublicKeysFromPem(await readFile(path, 'utf8'), path));
  return keys;
}

/** Reads the --service-account-signing-key-file: one RSA private key in PEM (PKCS#1 or PKCS#8). */
export async function loadServiceAccountSigningKey(path: string): Promise<KeyObject> {
  let key: KeyObject;
  try {
    key = createPrivateKey(await readFile(path, 'utf8'));
  } catch (err) {
    throw new AuthConfigError(`${path}: cannot read a private key: ${(err as Error).message}`);
  }
  return requireRsa(key, path);
}
