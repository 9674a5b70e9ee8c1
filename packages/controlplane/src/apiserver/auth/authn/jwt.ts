import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/** The JOSE header of the tokens we sign: RS256 only, keyed by kid. */
export interface JwtHeader {
  readonly alg: string;
  readonly kid?: string;
  readonly typ?: string;
}

/** A compact JWS split into its parts; nothing in it is trusted until verifyJwtSignature says so. */
export interface DecodedJwt {
  readonly header: JwtHeader;
  readonly payload: Record<string, unknown>;
  readonly signingInput: string;
  readonly signature: Buffer;
}

function encodeSegment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeJsonSegment(segment: string): unknown {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Kubernetes' key id: the unpadded base64url SHA-256 of the public key's DER (SubjectPublicKeyInfo),
 * so a verifier can pick the key a token names without trying them all.
 */
export function keyIdOf(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
}

/** A public key a verifier accepts, with its key id worked out once. */
export interface VerificationKey {
  readonly key: KeyObject;
  readonly kid: string;
}

export function verificationKey(key: KeyObject): VerificationKey {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return { key: publicKey, kid: keyIdOf(publicKey) };
}

/** Signs claims as an RS256 compact JWS. */
export function signJwtRs256(payload: Record<string, unknown>, privateKey: KeyObject): string {
  const header: JwtHeader = { alg: 'RS256', kid: keyIdOf(privateKey) };
  const signingInput = `${encodeSegment(header)}.${encodeSegment(payload)}`;
  const signature = sign('sha256', Buffer.from(signingInput), privateKey);
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** Splits a compact JWS; null when the string is not one (three base64url parts with JSON objects). */
export function decodeJwt(token: string): DecodedJwt | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]*$/.test(part))) return null;
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  let header: unknown;
  let payload: unknown;
  try {
    header = decodeJsonSegment(headerPart);
    payload = decodeJsonSegment(payloadPart);
  } catch {
    return null;
  }
  if (!isObject(header) || typeof header.alg !== 'string' || !isObject(payload)) return null;
  return {
    header: header as unknown as JwtHeader,
    payload,
    signingInput: `${headerPart}.${payloadPart}`,
    signature: Buffer.from(signaturePart, 'base64url'),
  };
}

/**
 * Whether one of the keys signed the token with RS256. The header's alg is checked first: a token
 * may not choose a weaker algorithm (or "none") for itself.
 */
export function verifyJwtSignature(jwt: DecodedJwt, keys: readonly VerificationKey[]): boolean {
  if (jwt.header.alg !== 'RS256') return false;
  const named = keys.filter((key) => key.kid === jwt.header.kid);
  const candidates = named.length > 0 ? named : keys;
  return candidates.some(({ key }) => verify('sha256', Buffer.from(jwt.signingInput), key, jwt.signature));
}
