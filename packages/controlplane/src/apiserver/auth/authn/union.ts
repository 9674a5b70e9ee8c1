import type { IncomingMessage } from 'node:http';
import { AuthenticationError } from '../errors.js';
import { SystemNames, type Authenticator, type UserInfo } from '../types.js';

/** The user of a request with no credentials, when --anonymous-auth allows one. */
export const AnonymousUser: UserInfo = Object.freeze({
  name: SystemNames.anonymousUser,
  groups: Object.freeze([SystemNames.unauthenticatedGroup]),
});

function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.groups.includes(SystemNames.authenticatedGroup)) return user;
  return { ...user, groups: [...user.groups, SystemNames.authenticatedGroup] };
}

/**
 * Kubernetes' request authentication: each authenticator in order (client certificate, then
 * bearer tokens); the first that recognises the request decides, and its user joins
 * system:authenticated. If none does, a failure of any is the answer (401); only a request with
 * no credentials at all becomes anonymous, and only when anonymous requests are allowed (else null).
 */
export class UnionAuthenticator implements Authenticator {
  constructor(
    private readonly authenticators: readonly Authenticator[],
    private readonly allowAnonymous: boolean,
  ) {}

  async authenticate(req: IncomingMessage): Promise<UserInfo | null> {
    const failures: string[] = [];
    for (const authenticator of this.authenticators) {
      try {
        const user = await authenticator.authenticate(req);
        if (user) return withAuthenticatedGroup(user);
      } catch (err) {
        if (!(err instanceof AuthenticationError)) throw err;
        failures.push(err.message);
      }
    }
    if (failures.length > 0) throw new AuthenticationError(failures.join('; '));
    return this.allowAnonymous ? AnonymousUser : null;
  }
}
