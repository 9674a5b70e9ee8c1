import type { IncomingMessage } from 'node:http';

/** A request body over the route's limit; the server answers it with 413. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`body larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** The client went away before sending its whole body; there is nobody to answer. */
export class BodyAbortedError extends Error {
  constructor() {
    super('request aborted before its body ended');
    this.name = 'BodyAbortedError';
  }
}

/**
 * Reads a request body of at most `limit` bytes. A declared content-length over the limit
 * is refused before a byte is read; a known length is read straight into one buffer, so a
 * large snapshot needs its size in memory once, not twice as with Buffer.concat.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
  if (declared !== undefined && declared > limit) return Promise.reject(new BodyTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const whole = declared !== undefined && Number.isSafeInteger(declared) ? Buffer.allocUnsafe(declared) : undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      if (size + chunk.byteLength > (whole?.byteLength ?? limit)) {
        fail(new BodyTooLargeError(limit));
        return;
      }
      if (whole) chunk.copy(whole, size);
      else chunks.push(chunk);
      size += chunk.byteLength;
    };
    req.on('data', onData);
    req.once('end', () => {
      if (settled) return;
      settled = true;
      resolve(whole ? whole.subarray(0, size) : Buffer.concat(chunks, size));
    });
    req.once('error', fail);
    // 'close' follows every request; only one that closed before its end was aborted.
    req.once('close', () => settled || fail(new BodyAbortedError()));
  });
}
