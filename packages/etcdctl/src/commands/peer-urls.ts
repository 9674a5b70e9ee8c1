/**
 * etcd's types.NewURLs: the check clientv3 makes on peer URLs before member add and
 * member update, and snapshot restore on its flags. Go's url.Parse and net.SplitHostPort
 * are followed as far as their error texts show through.
 */
export class UrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UrlError';
  }
}

/** Validates each URL; returns them trimmed and sorted (types.URLs order). */
export function newUrls(list: readonly string[]): string[] {
  if (list.length === 0) throw new UrlError('no valid URLs given');
  const all = list.map((raw) => {
    const url = raw.trim();
    const { scheme, host, path } = parseUrl(url);
    if (!['http', 'https', 'unix', 'unixs'].includes(scheme)) throw new UrlError(`URL scheme must be http, https, unix, or unixs: ${url}`);
    if (!isHostPort(host)) throw new UrlError(`URL address does not have the form "host:port": ${url}`);
    if (path !== '') throw new UrlError(`URL must not contain a path: ${url}`);
    return `${scheme}${url.slice(scheme.length)}`;
  });
  return all.sort();
}

/** The parts of a URL that NewURLs looks at; throws url.Parse's errors. */
function parseUrl(url: string): { scheme: string; host: string; path: string } {
  let scheme = '';
  let rest = url;
  const m = /^([^:/?#]*):/.exec(url);
  if (m) {
    if (m[1] === '') throw new UrlError(`parse ${JSON.stringify(url)}: missing protocol scheme`);
    if (/^[a-zA-Z][a-zA-Z0-9+.-]*$/.test(m[1])) {
      scheme = m[1].toLowerCase();
      rest = url.slice(m[0].length);
    } else {
      // Not a scheme: Go reads it as a path, whose first segment may not hold a colon.
      throw new UrlError(`parse ${JSON.stringify(url)}: first path segment in URL cannot contain colon`);
    }
  }
  rest = rest.replace(/[?#].*$/, '');
  if (!rest.startsWith('//')) return { scheme, host: '', path: rest };
  const authority = rest.slice(2).split('/')[0];
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  const bad = /[^a-zA-Z0-9\-._~!$&'()*+,;=:[\]%]/.exec(host);
  if (bad) throw new UrlError(`parse ${JSON.stringify(url)}: invalid character ${JSON.stringify(bad[0])} in host name`);
  return { scheme, host, path: rest.slice(2 + authority.length) };
}

/** net.SplitHostPort succeeds: `host:port`, `[v6]:port`. */
function isHostPort(host: string): boolean {
  if (host.startsWith('[')) return /^\[[^\]]*\]:[^:]*$/.test(host);
  return host.split(':').length === 2;
}
