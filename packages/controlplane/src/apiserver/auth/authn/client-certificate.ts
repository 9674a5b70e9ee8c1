import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TLSSocket, type DetailedPeerCertificate } from 'node:tls';
import { AuthConfigError, AuthenticationError } from '../errors.js';
import type { Authenticator, UserInfo } from '../types.js';

const ClientAuthUsage = '1.3.6.1.5.5.7.3.2';
const AnyExtendedKeyUsage = '2.5.29.37.0';
/** Longest chain of intermediates we follow from the client's certificate to the CA. */
const MaxChainLength = 8;

/** The certificates of a --client-ca-file's text (one or more PEM CERTIFICATE blocks). */
export function parseCertificateBundle(pem: string, source: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new AuthConfigError(`${source}: no PEM certificate`);
  return blocks.map((block) => {
    try {
      return new X509Certificate(block);
    } catch (err) {
      throw new AuthConfigError(`${source}: cannot read a certificate: ${(err as Error).message}`);
    }
  });
}

/** The certificates the peer sent, leaf first (Node links them through issuerCertificate, ending on a self-link). */
function peerChain(peer: DetailedPeerCertificate): X509Certificate[] {
  const chain: X509Certificate[] = [];
  let current: DetailedPeerCertificate | undefined = peer;
  while (current?.raw && chain.length <= MaxChainLength) {
    chain.push(new X509Certificate(current.raw));
    if (!current.issuerCertificate || current.issuerCertificate === current) break;
    current = current.issuerCertificate;
  }
  return chain;
}

function isValidAt(cert: X509Certificate, now: number): boolean {
  return Date.parse(cert.validFrom) <= now && now <= Date.parse(cert.validTo);
}

function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

/**
 * Verifies the chain from the leaf to one of the trusted CAs ourselves, rather than trusting the
 * TLS server's `ca` setting, so that only --client-ca-file decides who is a user. Returns why not,
 * in Go's x509 words, or null when the chain holds.
 */
function chainProblem(chain: readonly X509Certificate[], roots: readonly X509Certificate[], now: number): string | null {
  const leaf = chain[0]!;
  const usages = leaf.keyUsage;
  if (usages && usages.length > 0 && !usages.includes(ClientAuthUsage) && !usages.includes(AnyExtendedKeyUsage)) {
    return 'x509: certificate specifies an incompatible key usage';
  }
  let current = leaf;
  for (let depth = 0; depth <= MaxChainLength; depth += 1) {
    if (!isValidAt(current, now)) {
      return `x509: certificate has expired or is not yet valid: current time ${new Date(now).toISOString()} is outside ${current.validFrom} - ${current.validTo}`;
    }
    const root = roots.find((candidate) => issuedBy(current, candidate));
    if (root) return isValidAt(root, now) ? null : 'x509: certificate signed by an expired authority';
    const intermediate = chain.slice(1).find((candidate) => candidate.ca && issuedBy(current, candidate));
    if (!intermediate) break;
    current = intermediate;
  }
  return 'x509: certificate signed by unknown authority';
}

function subjectValues(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Client certificates verified against --client-ca-file: the subject's CN is the user, each O a
 * group. A request without a certificate is not ours (null); one with a certificate that does not
 * verify is a 401. Decisions are kept per TLS connection, since the certificate cannot change on
 * it, and only the validity window is checked again on later requests.
 */
export class ClientCertificateAuthenticator implements Authenticator {
  private readonly verified = new WeakMap<TLSSocket, { user: UserInfo | null; notBefore: number; notAfter: number }>();

  constructor(
    private readonly trustedCas: readonly X509Certificate[],
    private readonly now: () => number = Date.now,
  ) {}

  async authenticate(req: IncomingMessage): Promise<UserInfo | null> {
    const socket = req.socket;
    if (!(socket instanceof TLSSocket)) return null;
    const now = this.now();
    const known = this.verified.get(socket);
    if (known) {
      if (now < known.notBefore || now > known.notAfter) throw new AuthenticationError('x509: certificate has expired or is not yet valid');
      return known.user;
    }
    const peer = socket.getPeerCertificate(true);
    if (!peer || !peer.raw) return null;
    const chain = peerChain(peer);
    const problem = chainProblem(chain, this.trustedCas, now);
    if (problem) throw new AuthenticationError(problem);
    const commonName = subjectValues(peer.subject?.CN)[0] ?? '';
    // Kubernetes ignores a certificate without a CN rather than rejecting it.
    const user: UserInfo | null = commonName === '' ? null : { name: commonName, groups: subjectValues(peer.subject?.O) };
    const leaf = chain[0]!;
    this.verified.set(socket, { user, notBefore: Date.parse(leaf.validFrom), notAfter: Date.parse(leaf.validTo) });
    return user;
  }
}
