import { readFile } from 'node:fs/promises';
import { AuthConfigError } from '../errors.js';
import type { UserInfo } from '../types.js';
import { CsvParseError, parseCsv } from './csv.js';
import type { TokenAuthenticator } from './token-authenticator.js';

/** A token file read: who each token stands for, and the lines Kubernetes would only warn about. */
export interface TokenFile {
  readonly users: ReadonlyMap<string, UserInfo>;
  readonly warnings: readonly string[];
}

/**
 * Parses a --token-auth-file: CSV records `token,user,uid[,"group1,group2"]`. Fewer than three
 * columns, or broken quoting, is an error naming the file and line. An empty token is skipped
 * and a repeated token replaces the earlier one, each with a warning, as in Kubernetes.
 */
export function parseTokenFile(text: string, fileName: string): TokenFile {
  let records;
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvParseError) throw new AuthConfigError(`token file '${fileName}': ${err.message}`);
    throw err;
  }
  const users = new Map<string, UserInfo>();
  const warnings: string[] = [];
  records.forEach(({ line, fields }, index) => {
    const recordNumber = index + 1;
    if (fields.length < 3) {
      throw new AuthConfigError(
        `token file '${fileName}' must have at least 3 columns (token, user name, user uid), found ${fields.length} on line ${line}`,
      );
    }
    const [token, name, uid, groupsField] = fields as [string, string, string, string | undefined];
    if (token === '') {
      warnings.push(`empty token has been found in token file '${fileName}', record number '${recordNumber}'`);
      return;
    }
    if (users.has(token)) {
      warnings.push(`duplicate token has been found in token file '${fileName}', record number '${recordNumber}'`);
    }
    // The fourth column is one field listing groups, so it is quoted when it holds more than one.
    const groups = groupsField === undefined ? [] : groupsField.split(',').filter((group) => group !== '');
    users.set(token, { name, uid, groups });
  });
  return { users, warnings };
}

/** Reads and parses a --token-auth-file. */
export async function loadTokenFile(path: string): Promise<TokenFile> {
  return parseTokenFile(await readFile(path, 'utf8'), path);
}

/** Static tokens from a token file; an unknown token is not this authenticator's to reject. */
export class TokenFileAuthenticator implements TokenAuthenticator {
  constructor(private readonly users: ReadonlyMap<string, UserInfo>) {}

  async authenticateToken(token: string): Promise<UserInfo | null> {
    return this.users.get(token) ?? null;
  }
}
