/**
 * Credentials were presented and did not hold (unknown token, bad signature, expired, untrusted
 * certificate). The apiserver answers 401 with reason Unauthorized; message says why, for logs.
 */
export class AuthenticationError extends Error {
  readonly code = 401;
  readonly reason = 'Unauthorized';
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/** Configuration that cannot be used (a malformed token file, an unreadable key, an unknown mode). */
export class AuthConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthConfigError';
  }
}
