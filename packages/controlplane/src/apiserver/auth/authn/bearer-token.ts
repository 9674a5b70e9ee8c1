import type { IncomingMessage } from 'node:http';
import { AuthenticationError } from '../errors.js';
import type { Authenticator, UserInfo } from '../types.js';
import type { TokenAuthenticator } from './token-authenticator.js';

/** The token of an `Authorization: Bearer <token>` header, or null when there is none. */
export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

/**
 * Authenticates the bearer token with each token authenticator in turn. A request that carries a
 * token nobody recognises is rejected ("invalid bearer token"), not treated as anonymous: a client
 * that sent credentials must learn they failed.
 */
export class BearerTokenAuthenticator implements Authenticator {
  constructor(private readonly tokenAuthenticators: readonly TokenAuthenticator[]) {}

  async authenticate(req: IncomingMessage): Promise<UserInfo | null> {
    const token = bearerToken(req);
    if (token === null) return null;
    const failures: string[] = [];
    for (const authenticator of this.tokenAuthenticators) {
      try {
        const user = await authenticator.authenticateToken(token);
        if (user) return user;
      } catch (err) {
        if (!(err instanceof AuthenticationError)) throw err;
        failures.push(err.message);
      }
    }
    throw new AuthenticationError(failures.length > 0 ? failures.join('; ') : 'invalid bearer token');
  }
}
