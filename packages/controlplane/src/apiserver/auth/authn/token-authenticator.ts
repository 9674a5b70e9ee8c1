import type { UserInfo } from '../types.js';

/**
 * Checks one bearer token. Resolves null when the token is not of this kind (another token
 * authenticator may know it); throws AuthenticationError when it is of this kind and fails.
 */
export interface TokenAuthenticator {
  authenticateToken(token: string): Promise<UserInfo | null>;
}
