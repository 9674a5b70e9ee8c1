import { request } from 'node:https';

export interface ClientCredentials {
  /** The CA that signed the server's certificate. */
  readonly ca: string;
  readonly cert?: string;
  readonly key?: string;
  readonly token?: string;
}

export interface JsonResponse {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** One HTTPS request with node:https (a fresh connection each time, so no client certificate is reused). */
export function httpsJson(url: string, credentials: ClientCredentials, method = 'GET'): Promise<JsonResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: credentials.ca,
        cert: credentials.cert,
        key: credentials.key,
        agent: false,
        headers: credentials.token === undefined ? {} : { authorization: `Bearer ${credentials.token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          } catch (err) {
            reject(err);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
